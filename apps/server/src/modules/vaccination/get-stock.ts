import { sql } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { lotExpired, shipmentView, storeView, type ShipmentRow } from './repo';
import { loadStoreFor } from './store-access';

/**
 * A store's stock per lot: doses on hand (from stock_balances, kept with the ledger) and doses shipped to it but
 * not yet confirmed (in transit: not on hand here nor at the sender), with the incoming shipments to confirm; the
 * doses allocated from here to other stores (reserved: not available) and those other stores hold for this one.
 */
export async function getStock(deps: Deps, ctx: RequestContext, storeId: string) {
  const store = await loadStoreFor(deps.db, ctx, storeId, 'vaccination:read');
  const [rows, incoming, held, heldForUs] = await Promise.all([
    sql<{ lot_id: string; vaccine_code: string; lot_number: string; expiry_date: string; recalled: boolean; on_hand: number; in_transit: number }>`
      WITH t AS (
        SELECT lot_id, sum(doses)::int AS doses FROM shipments WHERE to_store_id = ${store.id} AND status = 'in_transit' GROUP BY lot_id
      ), b AS (
        SELECT lot_id, doses_on_hand FROM stock_balances WHERE store_id = ${store.id}
      )
      SELECT l.id AS lot_id, l.vaccine_code, l.lot_number, l.expiry_date::text AS expiry_date, l.recalled_at IS NOT NULL AS recalled,
             coalesce(b.doses_on_hand, 0) AS on_hand, coalesce(t.doses, 0) AS in_transit
      FROM b FULL JOIN t ON t.lot_id = b.lot_id
      JOIN vaccine_lots l ON l.id = coalesce(b.lot_id, t.lot_id)
      ORDER BY l.vaccine_code, l.expiry_date, l.lot_number`.execute(deps.db),
    deps.db.selectFrom('shipments').select(['id', 'from_store_id', 'to_store_id', 'lot_id', 'doses', 'status', 'shipped_at', 'received_at'])
      .where('to_store_id', '=', store.id).where('status', '=', 'in_transit').orderBy('id').limit(500).execute(),
    deps.db.selectFrom('stock_reservations as r').innerJoin('vaccine_stores as s', 's.id', 'r.for_store_id')
      .select(['r.lot_id', 'r.for_store_id', 's.name', 'r.doses_reserved']).where('r.store_id', '=', store.id).where('r.doses_reserved', '>', 0).orderBy('s.name').orderBy('r.lot_id').execute(),
    deps.db.selectFrom('stock_reservations as r').innerJoin('vaccine_stores as s', 's.id', 'r.store_id')
      .select(['r.lot_id', 'r.store_id', 's.name', 'r.doses_reserved']).where('r.for_store_id', '=', store.id).where('r.doses_reserved', '>', 0).orderBy('s.name').orderBy('r.lot_id').execute(),
  ]);
  const reservedByLot = new Map<string, number>();
  for (const r of held) reservedByLot.set(r.lot_id, (reservedByLot.get(r.lot_id) ?? 0) + r.doses_reserved);
  return {
    store: storeView(store),
    items: rows.rows.map((r) => ({
      lotId: r.lot_id, vaccineCode: r.vaccine_code, lotNumber: r.lot_number, expiryDate: r.expiry_date, recalled: r.recalled, expired: lotExpired(r),
      onHand: r.on_hand, inTransitIn: r.in_transit, reserved: reservedByLot.get(r.lot_id) ?? 0, available: Math.max(0, r.on_hand - (reservedByLot.get(r.lot_id) ?? 0)),
    })),
    incoming: (incoming as ShipmentRow[]).map(shipmentView),
    reservations: held.map((r) => ({ lotId: r.lot_id, forStoreId: r.for_store_id, forStoreName: r.name, doses: r.doses_reserved })),
    allocatedToThisStore: heldForUs.map((r) => ({ lotId: r.lot_id, fromStoreId: r.store_id, fromStoreName: r.name, doses: r.doses_reserved })),
  };
}
