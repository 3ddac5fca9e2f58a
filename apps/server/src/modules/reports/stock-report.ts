import { sql } from '@sen/db';
import { shiftDay, vnDayOf, vnToday, wastage } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { readCounts } from './counts';
import { resolveScope, type ReportFiltersIn } from './filters';
import { col, table, type ReportTable } from './table';

const DISCARD_REASONS = ['opened_vial', 'closed_vial', 'expired', 'cold_chain', 'damaged'] as const;
const SUPPLY_WINDOW_DAYS = 7;

interface Moved { root: string; lot_id: string; issued: number; returned: number; discarded: Record<string, number> }

/**
 * Stock per selected area and lot. From the supply ledger (migration 0007; balances and events are per movement,
 * not per dose, so they are read directly): doses on hand in every store of the area and, of those, doses reserved
 * by allocations. From the dose rollups: days of supply (on hand / average daily doses given from the lot in the
 * area over the last 7 days) and the doses given in the period. Wastage over the period is the one definition of
 * packages/domain (wastage.ts): discarded + (issued - returned - given) for sessions that are closed, as a share
 * of the doses used; the doses given in sessions still open or planned are read from those sessions (few, by index).
 */
export async function stockReport(deps: Deps, ctx: RequestContext, input: ReportFiltersIn): Promise<ReportTable> {
  const scope = await resolveScope(deps.db, ctx, input);
  const roots = sql`${sql.val(scope.roots.map((r) => r.path))}::ltree[]`;
  const vaccine = scope.vaccine ? sql`AND l.vaccine_code = ${scope.vaccine}` : sql``;
  // Sessions whose vials may still be in hand: their issues, returns and doses are not settled yet.
  const openSessions = sql`SELECT s.id FROM vaccination_sessions s WHERE s.status IN ('planned', 'open') AND s.area_path <@ ${roots}`;
  const [onHand, moved, givenOpen] = await Promise.all([
    sql<{ root: string; lot_id: string; on_hand: number; reserved: number }>`
      SELECT r.path::text AS root, b.lot_id, sum(b.doses_on_hand)::bigint AS on_hand,
             coalesce(sum((SELECT sum(x.doses_reserved) FROM stock_reservations x WHERE x.store_id = b.store_id AND x.lot_id = b.lot_id)), 0)::bigint AS reserved
        FROM stock_balances b JOIN vaccine_stores s ON s.id = b.store_id JOIN vaccine_lots l ON l.id = b.lot_id
        JOIN unnest(${roots}) AS r (path) ON s.area_path <@ r.path
       WHERE true ${vaccine} GROUP BY 1, 2`.execute(deps.db),
    sql<Record<string, unknown> & { root: string; lot_id: string; issued: number; returned: number }>`
      SELECT r.path::text AS root, e.lot_id,
             coalesce(-sum(e.doses) FILTER (WHERE e.kind = 'issue' AND NOT e.unsettled), 0)::bigint AS issued,
             coalesce(sum(e.doses) FILTER (WHERE e.kind = 'return' AND NOT e.unsettled), 0)::bigint AS returned,
             ${sql.join(DISCARD_REASONS.map((d) => sql`coalesce(-sum(e.doses) FILTER (WHERE e.discard_reason = ${d}), 0)::bigint AS ${sql.ref(d)}`))}
        FROM (SELECT e.*, coalesce(e.session_ref IN (SELECT o.id::text FROM (${openSessions}) o), false) AS unsettled FROM stock_events e) e
        JOIN vaccine_stores s ON s.id = e.store_id JOIN vaccine_lots l ON l.id = e.lot_id
        JOIN unnest(${roots}) AS r (path) ON s.area_path <@ r.path
       WHERE sen_vn_day(e.occurred_at) BETWEEN ${scope.from}::date AND ${scope.to}::date
         AND e.kind IN ('issue', 'return', 'discard') ${vaccine}
       GROUP BY 1, 2`.execute(deps.db),
    sql<{ root: string; lot_id: string; n: number }>`
      SELECT r.path::text AS root, d.lot_id, count(*)::bigint AS n
        FROM doses d JOIN vaccine_lots l ON l.id = d.lot_id JOIN unnest(${roots}) AS r (path) ON d.area_path <@ r.path
       WHERE d.session_id IN (${openSessions}) AND d.review_status <> 'rejected' AND d.administered_on BETWEEN ${scope.from}::date AND ${scope.to}::date ${vaccine}
       GROUP BY 1, 2`.execute(deps.db),
  ]);
  const today = vnToday();
  const [recent, given] = await Promise.all([
    readCounts(deps.db, { metric: 'lot_doses', scope: { ...scope, from: shiftDay(today, -(SUPPLY_WINDOW_DAYS - 1)), to: today }, areas: 'root', groups: ['dim1'], where: { dim2: scope.vaccine ?? undefined } }),
    readCounts(deps.db, { metric: 'lot_doses', scope, areas: 'root', groups: ['dim1'], where: { dim2: scope.vaccine ?? undefined } }),
  ]);
  const key = (root: string, lot: string) => `${root}|${lot}`;
  const rows = new Map<string, { root: string; lotId: string; onHand: number; reserved: number; moved: Moved | null; recent: number; given: number; givenOpen: number }>();
  const entry = (root: string, lotId: string) => {
    const k = key(root, lotId);
    let e = rows.get(k);
    if (!e) rows.set(k, (e = { root, lotId, onHand: 0, reserved: 0, moved: null, recent: 0, given: 0, givenOpen: 0 }));
    return e;
  };
  for (const r of onHand.rows) Object.assign(entry(r.root, r.lot_id), { onHand: Number(r.on_hand), reserved: Number(r.reserved) });
  for (const r of moved.rows) {
    entry(r.root, r.lot_id).moved = { root: r.root, lot_id: r.lot_id, issued: Number(r.issued), returned: Number(r.returned), discarded: Object.fromEntries(DISCARD_REASONS.map((d) => [d, Number(r[d] ?? 0)])) };
  }
  for (const r of given) entry(r.area_path, r.dim1).given = r.n;
  for (const r of givenOpen.rows) entry(r.root, r.lot_id).givenOpen = Number(r.n);
  for (const r of recent) if (rows.has(key(r.area_path, r.dim1))) rows.get(key(r.area_path, r.dim1))!.recent = r.n;
  const lotIds = [...new Set([...rows.values()].map((r) => r.lotId))];
  const lots = lotIds.length ? await deps.db.selectFrom('vaccine_lots').select(['id', 'vaccine_code', 'lot_number', 'expiry_date', 'recalled_at']).where('id', 'in', lotIds).execute() : [];
  const lotById = new Map(lots.map((l) => [l.id, l]));
  const areaByPath = new Map(scope.roots.map((r) => [r.path, r]));
  return table('stock', scope, [
    col('areaCode', 'Mã địa bàn', 'Area code'), col('area', 'Địa bàn', 'Area'), col('vaccine', 'Vắc xin', 'Vaccine'), col('lotNumber', 'Số lô', 'Lot number'),
    col('expiry', 'Hạn dùng', 'Expiry'), col('recalledOn', 'Ngày thu hồi', 'Recalled on'), col('onHand', 'Tồn kho (liều)', 'On hand (doses)'),
    col('reserved', 'Đã phân bổ, chưa xuất (liều)', 'Allocated, not shipped (doses)'),
    col('dosesLast7Days', 'Liều đã tiêm 7 ngày qua', 'Doses given, last 7 days'), col('daysOfSupply', 'Số ngày đủ dùng', 'Days of supply'),
    col('issued', 'Đã cấp cho buổi tiêm (đã đóng)', 'Issued to closed sessions'), col('returned', 'Hoàn trả từ buổi tiêm', 'Returned from closed sessions'),
    col('given', 'Đã tiêm (buổi đã đóng)', 'Given in closed sessions'), col('unaccounted', 'Cấp nhưng không hoàn trả, không tiêm', 'Issued, neither returned nor given'),
    ...DISCARD_REASONS.map((d) => col(`discarded_${d}`, `Hủy: ${DISCARD_VI[d]}`, `Discarded: ${d.replace('_', ' ')}`)),
    col('wasted', 'Liều hao hụt', 'Doses wasted'), col('wastagePct', 'Tỷ lệ hao hụt (% liều sử dụng)', 'Wastage (% of doses used)'),
  ], [...rows.values()].sort((a, b) => a.root.localeCompare(b.root) || (lotById.get(a.lotId)?.lot_number ?? '').localeCompare(lotById.get(b.lotId)?.lot_number ?? '')).map((r) => {
    const lot = lotById.get(r.lotId);
    const discarded = r.moved?.discarded ?? {};
    const w = wastage({
      discarded: DISCARD_REASONS.reduce((s, d) => s + (discarded[d] ?? 0), 0),
      issued: r.moved?.issued ?? 0, returned: r.moved?.returned ?? 0, given: Math.max(0, r.given - r.givenOpen),
    });
    const perDay = r.recent / SUPPLY_WINDOW_DAYS;
    return {
      areaCode: areaByPath.get(r.root)?.code ?? r.root, area: areaByPath.get(r.root)?.name ?? null, vaccine: lot?.vaccine_code ?? null, lotNumber: lot?.lot_number ?? null,
      expiry: lot ? String(lot.expiry_date) : null, recalledOn: lot?.recalled_at ? vnDayOf(new Date(lot.recalled_at)) : null, onHand: r.onHand, reserved: r.reserved, dosesLast7Days: r.recent,
      daysOfSupply: perDay > 0 ? Math.round((r.onHand / perDay) * 10) / 10 : null,
      issued: r.moved?.issued ?? 0, returned: r.moved?.returned ?? 0, given: Math.max(0, r.given - r.givenOpen), unaccounted: w.unaccounted,
      ...Object.fromEntries(DISCARD_REASONS.map((d) => [`discarded_${d}`, discarded[d] ?? 0])),
      wasted: w.wasted, wastagePct: w.wastagePct,
    };
  }));
}

const DISCARD_VI: Record<(typeof DISCARD_REASONS)[number], string> = {
  opened_vial: 'lọ đã mở', closed_vial: 'lọ chưa mở', expired: 'hết hạn', cold_chain: 'sự cố dây chuyền lạnh', damaged: 'hư hỏng',
};
