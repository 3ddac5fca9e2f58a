import { z } from 'zod';
import type { Deps, RequestContext } from '../../context';
import { areaNames, readCounts } from './counts';
import { ReportFilters, resolveScope } from './filters';
import { col, table, type ReportTable } from './table';

export const DosesReportIn = ReportFilters.extend({
  by: z.enum(['day', 'area', 'vaccine', 'dose', 'site']).default('day'),
});

/** Doses given (where given), by day, area (one level below the selected area), vaccine, dose or site. */
export async function dosesReport(deps: Deps, ctx: RequestContext, input: z.infer<typeof DosesReportIn>): Promise<ReportTable> {
  const scope = await resolveScope(deps.db, ctx, input);
  const by = input.by;
  if (by === 'site') {
    const rows = await readCounts(deps.db, { metric: 'site_doses', scope, groups: ['dim1'], where: { dim2: scope.vaccine ?? undefined } });
    const sites = rows.length
      ? await deps.db.selectFrom('vaccination_sites as s').innerJoin('areas as a', 'a.code', 's.area_code').select(['s.id', 's.name', 'a.code as area_code', 'a.full_name as area_name']).where('s.id', 'in', rows.map((r) => r.dim1)).execute()
      : [];
    const byId = new Map(sites.map((s) => [s.id, s]));
    return table('doses-by-site', scope, [col('siteId', 'Mã điểm tiêm', 'Site id'), col('site', 'Điểm tiêm', 'Site'), col('areaCode', 'Mã xã/phường', 'Commune code'), col('area', 'Xã/phường', 'Commune'), col('doses', 'Số mũi tiêm', 'Doses')],
      rows.sort((a, b) => b.n - a.n || a.dim1.localeCompare(b.dim1)).map((r) => ({ siteId: r.dim1, site: byId.get(r.dim1)?.name ?? null, areaCode: byId.get(r.dim1)?.area_code ?? null, area: byId.get(r.dim1)?.area_name ?? null, doses: r.n })));
  }
  const where = { dim1: scope.vaccine ?? undefined };
  if (by === 'day') {
    const rows = await readCounts(deps.db, { metric: 'doses', scope, groups: ['day'], where });
    return table('doses-by-day', scope, [col('day', 'Ngày', 'Day'), col('doses', 'Số mũi tiêm', 'Doses')], rows.sort((a, b) => a.day.localeCompare(b.day)).map((r) => ({ day: r.day, doses: r.n })));
  }
  if (by === 'area') {
    const rows = await readCounts(deps.db, { metric: 'doses', scope, areas: 'child', groups: [], where });
    const names = await areaNames(deps.db, rows.map((r) => r.area_path));
    return table('doses-by-area', scope, [col('areaCode', 'Mã địa bàn', 'Area code'), col('area', 'Địa bàn', 'Area'), col('doses', 'Số mũi tiêm', 'Doses')],
      rows.sort((a, b) => a.area_path.localeCompare(b.area_path)).map((r) => ({ areaCode: names.get(r.area_path)?.code ?? r.area_path, area: names.get(r.area_path)?.name ?? null, doses: r.n })));
  }
  if (by === 'vaccine') {
    const rows = await readCounts(deps.db, { metric: 'doses', scope, groups: ['dim1'], where });
    return table('doses-by-vaccine', scope, [col('vaccine', 'Vắc xin', 'Vaccine'), col('doses', 'Số mũi tiêm', 'Doses')], rows.sort((a, b) => b.n - a.n || a.dim1.localeCompare(b.dim1)).map((r) => ({ vaccine: r.dim1, doses: r.n })));
  }
  const rows = await readCounts(deps.db, { metric: 'doses', scope, groups: ['dim2', 'dim3'], where });
  return table('doses-by-dose', scope, [col('doseKind', 'Loại mũi', 'Dose kind'), col('doseNumber', 'Mũi số', 'Dose number'), col('doses', 'Số mũi tiêm', 'Doses')],
    rows.sort((a, b) => a.dim2.localeCompare(b.dim2) || Number(a.dim3) - Number(b.dim3)).map((r) => ({ doseKind: r.dim2, doseNumber: Number(r.dim3), doses: r.n })));
}

