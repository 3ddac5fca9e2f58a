import { sql } from '@sen/db';
import { notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { jurisdictionSql, scopePaths } from '../access/authorize';
import { eventView, findLot, lotView, selectStores, shipmentView, storeView, type EventRow, type ShipmentRow, type StoreRow } from './repo';

const EVENTS_MAX = 1000;
const KINDS = ['receive', 'ship_out', 'ship_in', 'issue', 'return', 'discard', 'adjust', 'allocate'] as const;

/**
 * Where the doses of a lot went in the supply chain: every store (in the actor's vaccination:read jurisdiction) that
 * held it, with totals per kind of movement and what is still on hand, the shipments touching those stores and the
 * events themselves (newest first, up to 1,000). The trace here ends at 'issue' events to sessions; the doses given
 * from the lot and who received them are `lotDoses` (GET /api/reports/lots/:id/doses, paged and audited).
 */
export async function traceLot(deps: Deps, ctx: RequestContext, id: string) {
  scopePaths(ctx, 'vaccination:read');
  const lot = await findLot(deps.db, id);
  if (!lot) throw notFound('Lot');
  const inJurisdiction = jurisdictionSql(ctx, 'vaccination:read', sql`s.area_path`);
  const stores = (await selectStores(deps.db)
    .where(inJurisdiction)
    .where((eb) => eb.exists(eb.selectFrom('stock_events as e').select(sql`1`.as('one')).whereRef('e.store_id', '=', 's.id').where('e.lot_id', '=', id)))
    .orderBy('s.area_path')
    .orderBy('s.name')
    .execute()) as StoreRow[];
  const storeIds = stores.map((s) => s.id);
  if (storeIds.length === 0) return { lot: lotView(lot), stores: [], shipments: [], events: [], eventsTruncated: false };

  const [totals, balances, shipments, events] = await Promise.all([
    deps.db.selectFrom('stock_events').select(['store_id', 'kind', sql<number>`sum(CASE WHEN kind = 'allocate' THEN reserved_change ELSE doses END)::int`.as('doses')]).where('lot_id', '=', id).where('store_id', 'in', storeIds).groupBy(['store_id', 'kind']).execute(),
    deps.db.selectFrom('stock_balances').select(['store_id', 'doses_on_hand']).where('lot_id', '=', id).where('store_id', 'in', storeIds).execute(),
    deps.db.selectFrom('shipments').select(['id', 'from_store_id', 'to_store_id', 'lot_id', 'doses', 'status', 'shipped_at', 'received_at'])
      .where('lot_id', '=', id).where((eb) => eb.or([eb('from_store_id', 'in', storeIds), eb('to_store_id', 'in', storeIds)])).orderBy('id').execute(),
    deps.db.selectFrom('stock_events').selectAll().where('lot_id', '=', id).where('store_id', 'in', storeIds).orderBy('id', 'desc').limit(EVENTS_MAX + 1).execute(),
  ]);
  const onHand = new Map(balances.map((b) => [b.store_id, b.doses_on_hand]));
  return {
    lot: lotView(lot),
    stores: stores.map((s) => {
      const t = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<(typeof KINDS)[number], number>;
      for (const row of totals) if (row.store_id === s.id) t[row.kind as (typeof KINDS)[number]] = row.doses;
      return { store: storeView(s), onHand: onHand.get(s.id) ?? 0, totals: t };
    }),
    shipments: (shipments as ShipmentRow[]).map(shipmentView),
    events: (events as EventRow[]).slice(0, EVENTS_MAX).map(eventView),
    eventsTruncated: events.length > EVENTS_MAX,
  };
}
