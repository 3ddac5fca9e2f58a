import { sql } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { readCounts } from './counts';
import { addDays, resolveScope, vnToday, type ReportFiltersIn } from './filters';
import { col, table, type ReportTable } from './table';

const DISCARD_REASONS = ['opened_vial', 'closed_vial', 'expired', 'cold_chain', 'damaged'] as const;
const SUPPLY_WINDOW_DAYS = 7;

/**
 * Stock per selected area and lot, from the supply ledger (migration 0007; balances and events are per movement,
 * not per dose, so they are read directly): doses on hand in every store of the area, days of supply (on hand /
 * average daily doses given from the lot in the area over the last 7 days, from the dose rollups), and over the
 * period the doses issued to sessions (net of returns) and discarded by reason, wastage = discarded / issued.
 */
export async function stockReport(deps: Deps, ctx: RequestContext, input: ReportFiltersIn): Promise<ReportTable> {
  const scope = await resolveScope(deps.db, ctx, input);
  const roots = sql`${sql.val(scope.roots.map((r) => r.path))}::ltree[]`;
  const vaccine = scope.vaccine ? sql`AND l.vaccine_code = ${scope.vaccine}` : sql``;
  const [onHand, moved] = await Promise.all([
    sql<{ root: string; lot_id: string; on_hand: number }>`
      SELECT r.path::text AS root, b.lot_id, sum(b.doses_on_hand)::bigint AS on_hand
        FROM stock_balances b JOIN vaccine_stores s ON s.id = b.store_id JOIN vaccine_lots l ON l.id = b.lot_id
        JOIN unnest(${roots}) AS r (path) ON s.area_path <@ r.path
       WHERE true ${vaccine} GROUP BY 1, 2`.execute(deps.db),
    sql<Record<string, unknown> & { root: string; lot_id: string }>`
      SELECT r.path::text AS root, e.lot_id,
             coalesce(-sum(e.doses) FILTER (WHERE e.kind IN ('issue', 'return')), 0)::bigint AS issued,
             ${sql.join(DISCARD_REASONS.map((d) => sql`coalesce(-sum(e.doses) FILTER (WHERE e.discard_reason = ${d}), 0)::bigint AS ${sql.ref(d)}`))}
        FROM stock_events e JOIN vaccine_stores s ON s.id = e.store_id JOIN vaccine_lots l ON l.id = e.lot_id
        JOIN unnest(${roots}) AS r (path) ON s.area_path <@ r.path
       WHERE sen_vn_day(e.occurred_at) BETWEEN ${scope.from}::date AND ${scope.to}::date
         AND e.kind IN ('issue', 'return', 'discard') ${vaccine}
       GROUP BY 1, 2`.execute(deps.db),
  ]);
  const today = vnToday();
  const recent = await readCounts(deps.db, { metric: 'lot_doses', scope: { ...scope, from: addDays(today, -(SUPPLY_WINDOW_DAYS - 1)), to: today }, areas: 'root', groups: ['dim1'] });
  const key = (root: string, lot: string) => `${root}|${lot}`;
  const rows = new Map<string, { root: string; lotId: string; onHand: number; moved?: Record<string, unknown>; recent: number }>();
  const entry = (root: string, lotId: string) => {
    const k = key(root, lotId);
    let e = rows.get(k);
    if (!e) rows.set(k, (e = { root, lotId, onHand: 0, recent: 0 }));
    return e;
  };
  for (const r of onHand.rows) entry(r.root, r.lot_id).onHand = Number(r.on_hand);
  for (const r of moved.rows) entry(r.root, r.lot_id).moved = r;
  for (const r of recent) if (rows.has(key(r.area_path, r.dim1))) rows.get(key(r.area_path, r.dim1))!.recent = r.n;
  const lotIds = [...new Set([...rows.values()].map((r) => r.lotId))];
  const lots = lotIds.length ? await deps.db.selectFrom('vaccine_lots').select(['id', 'vaccine_code', 'lot_number', 'expiry_date', 'recalled_at']).where('id', 'in', lotIds).execute() : [];
  const lotById = new Map(lots.map((l) => [l.id, l]));
  const areaByPath = new Map(scope.roots.map((r) => [r.path, r]));
  return table('stock', scope, [
    col('areaCode', 'Mã địa bàn', 'Area code'), col('area', 'Địa bàn', 'Area'), col('vaccine', 'Vắc xin', 'Vaccine'), col('lotNumber', 'Số lô', 'Lot number'),
    col('expiry', 'Hạn dùng', 'Expiry'), col('recalled', 'Đã thu hồi', 'Recalled'), col('onHand', 'Tồn kho (liều)', 'On hand (doses)'),
    col('dosesLast7Days', 'Liều đã tiêm 7 ngày qua', 'Doses given, last 7 days'), col('daysOfSupply', 'Số ngày đủ dùng', 'Days of supply'),
    col('issued', 'Đã cấp cho buổi tiêm', 'Issued to sessions'),
    ...DISCARD_REASONS.map((d) => col(`discarded_${d}`, `Hủy: ${DISCARD_VI[d]}`, `Discarded: ${d.replace('_', ' ')}`)),
    col('wastagePct', 'Tỷ lệ hao hụt (%)', 'Wastage (%)'),
  ], [...rows.values()].sort((a, b) => a.root.localeCompare(b.root) || (lotById.get(a.lotId)?.lot_number ?? '').localeCompare(lotById.get(b.lotId)?.lot_number ?? '')).map((r) => {
    const lot = lotById.get(r.lotId);
    const issued = Number(r.moved?.issued ?? 0);
    const discarded = DISCARD_REASONS.reduce((s, d) => s + Number(r.moved?.[d] ?? 0), 0);
    const perDay = r.recent / SUPPLY_WINDOW_DAYS;
    return {
      areaCode: areaByPath.get(r.root)?.code ?? r.root, area: areaByPath.get(r.root)?.name ?? null, vaccine: lot?.vaccine_code ?? null, lotNumber: lot?.lot_number ?? null,
      expiry: lot ? String(lot.expiry_date) : null, recalled: lot?.recalled_at ? 'yes' : 'no', onHand: r.onHand, dosesLast7Days: r.recent,
      daysOfSupply: perDay > 0 ? Math.round((r.onHand / perDay) * 10) / 10 : null, issued,
      ...Object.fromEntries(DISCARD_REASONS.map((d) => [`discarded_${d}`, Number(r.moved?.[d] ?? 0)])),
      wastagePct: issued > 0 ? Math.round((discarded / issued) * 10_000) / 100 : null,
    };
  }));
}

const DISCARD_VI: Record<(typeof DISCARD_REASONS)[number], string> = {
  opened_vial: 'lọ đã mở', closed_vial: 'lọ chưa mở', expired: 'hết hạn', cold_chain: 'sự cố dây chuyền lạnh', damaged: 'hư hỏng',
};
