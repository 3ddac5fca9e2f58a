import type { Deps, RequestContext } from '../../context';
import { areaPopulations } from '../areas/repo';
import { readCounts } from './counts';
import { areasBelow, resolveScope, type ReportFiltersIn } from './filters';
import { col, table, type ReportTable } from './table';

/**
 * Registered but not attended, per area one level below the selected one (a commune: itself): registrations by
 * status (active = still waiting) and invitations by status (no_show = invited and did not come), by the day they
 * were made.
 */
export async function attendanceReport(deps: Deps, ctx: RequestContext, input: ReportFiltersIn): Promise<ReportTable> {
  const scope = await resolveScope(deps.db, ctx, { ...input, vaccine: undefined });
  const [registrations, invitations] = await Promise.all([
    readCounts(deps.db, { metric: 'registrations', scope, areas: areasBelow(scope), groups: ['dim1'] }),
    readCounts(deps.db, { metric: 'invitations', scope, areas: areasBelow(scope), groups: ['dim1'] }),
  ]);
  const paths = [...new Set([...registrations, ...invitations].map((r) => r.area_path))].sort();
  const names = await areaPopulations(deps.db, paths);
  const n = (rows: typeof registrations, p: string, status: string) => rows.find((r) => r.area_path === p && r.dim1 === status)?.n ?? 0;
  return table('attendance', scope, [
    col('areaCode', 'Mã địa bàn', 'Area code'), col('area', 'Địa bàn', 'Area'),
    col('registrationsWaiting', 'Đăng ký chưa tiêm', 'Registered, not yet vaccinated'), col('registrationsDone', 'Đăng ký đã tiêm', 'Registered and vaccinated'),
    col('registrationsCancelled', 'Đăng ký đã hủy', 'Registrations cancelled'), col('invited', 'Đã mời, chưa đến hẹn', 'Invited, pending'),
    col('arrived', 'Đã đến', 'Arrived'), col('noShow', 'Được mời nhưng không đến', 'Invited, did not attend'), col('invitationsCancelled', 'Lời mời đã hủy', 'Invitations cancelled'),
  ], paths.map((p) => ({
    areaCode: names.get(p)?.code ?? p, area: names.get(p)?.name ?? null,
    registrationsWaiting: n(registrations, p, 'active'), registrationsDone: n(registrations, p, 'done'), registrationsCancelled: n(registrations, p, 'cancelled'),
    invited: n(invitations, p, 'invited'), arrived: n(invitations, p, 'arrived'), noShow: n(invitations, p, 'no_show'), invitationsCancelled: n(invitations, p, 'cancelled'),
  })));
}
