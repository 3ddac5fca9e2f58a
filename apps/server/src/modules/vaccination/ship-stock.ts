import { uuidv7 } from '@sen/db';
import { badRequest, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { appendStockEvent, assertLotUsable, assertSameMovement, cleanNote, cleanOccurredAt, isClientIdRace, loadLot } from './ledger';
import { eventView, findEventByClientId, findShipment, findStore, shipmentView, type EventRow } from './repo';
import { loadStoreFor } from './store-access';

export interface ShipInput {
  toStoreId: string;
  lotId: string;
  doses: number;
  clientId?: string | undefined;
  occurredAt?: string | undefined;
  note?: string | undefined;
}

/**
 * Sends doses from a store to another: a shipment 'in_transit' and a ship_out event at the sender, in one
 * transaction. The doses are then on hand at neither end until the receiver confirms (confirm-shipment.ts).
 * Needs vaccination:write at the sender; any existing store may receive (a national store ships to provinces).
 * Doses the sender allocated to the receiver are shipped first (the reservation is consumed); doses reserved for
 * other stores may not be shipped.
 */
export async function shipStock(deps: Deps, ctx: RequestContext, storeId: string, input: ShipInput) {
  const from = await loadStoreFor(deps.db, ctx, storeId, 'vaccination:write');
  const note = cleanNote(input.note, 'note');
  const occurredAt = cleanOccurredAt(input.occurredAt);
  const clientId = input.clientId ?? null;
  const replay = async (existing: EventRow) => {
    assertSameMovement(existing, 'ship_out', input.lotId);
    const shipment = await findShipment(deps.db, existing.shipment_id!);
    return { event: eventView(existing), shipment: shipmentView(shipment!), replayed: true };
  };
  if (clientId) {
    const existing = await findEventByClientId(deps.db, from.id, clientId);
    if (existing) return replay(existing);
  }
  if (input.toStoreId === from.id) throw badRequest('same_store', 'toStoreId: A store cannot ship to itself', { field: 'toStoreId', errors: [{ field: 'toStoreId', message: 'A store cannot ship to itself' }] });
  const to = await findStore(deps.db, input.toStoreId);
  if (!to) throw notFound('Store', { field: 'toStoreId' });
  const lot = await loadLot(deps.db, input.lotId);
  assertLotUsable(lot, 'ship');
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const shipment = await trx
        .insertInto('shipments')
        .values({ id: uuidv7(), from_store_id: from.id, to_store_id: to.id, lot_id: lot.id, doses: input.doses, status: 'in_transit', shipped_at: occurredAt, shipped_by: ctx.actor?.userId ?? null })
        .returning(['id', 'from_store_id', 'to_store_id', 'lot_id', 'doses', 'status', 'shipped_at', 'received_at'])
        .executeTakeFirstOrThrow();
      const event = await appendStockEvent(trx, ctx, { storeId: from.id, lotId: lot.id, kind: 'ship_out', doses: -input.doses, shipmentId: shipment.id, clientId, occurredAt, note, forStoreId: to.id });
      await recordAudit(trx, ctx, {
        action: 'shipment.create', entityType: 'shipment', entityId: shipment.id, areaPath: from.area_path,
        details: { fromStoreId: from.id, toStoreId: to.id, lotId: lot.id, doses: input.doses, eventId: event.id, reservationConsumed: -event.reserved_change },
      });
      return { event: eventView(event), shipment: shipmentView(shipment), replayed: false };
    });
  } catch (err) {
    if (clientId && isClientIdRace(err)) {
      const existing = await findEventByClientId(deps.db, from.id, clientId);
      if (existing) return replay(existing);
    }
    throw err;
  }
}
