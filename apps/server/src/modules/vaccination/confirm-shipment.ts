import { conflict, forbidden, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { appendStockEvent, cleanNote, cleanOccurredAt } from './ledger';
import { eventView, findShipment, findStore, shipmentEvent, shipmentView } from './repo';
import { assertVaccinationAccess } from './vaccination-access';

export interface ConfirmInput {
  clientId?: string | undefined;
  occurredAt?: string | undefined;
  note?: string | undefined;
}

/**
 * The receiver confirms a shipment: a ship_in event at the receiving store and the shipment 'received', in one
 * transaction under a lock on the shipment, so a double confirmation moves the doses once (the second answers the
 * first's event, replayed). Only the receiver's vaccination:write jurisdiction may confirm; the sender's staff
 * can see the shipment (403), anyone else gets 404. A recalled lot is still confirmed (the doses are physically
 * there and must be accounted for, then discarded).
 */
export async function confirmShipment(deps: Deps, ctx: RequestContext, shipmentId: string, input: ConfirmInput) {
  scopePaths(ctx, 'vaccination:write');
  const note = cleanNote(input.note, 'note');
  const occurredAt = cleanOccurredAt(input.occurredAt);
  const found = await findShipment(deps.db, shipmentId);
  if (!found) throw notFound('Shipment');
  const [to, from] = await Promise.all([findStore(deps.db, found.to_store_id), findStore(deps.db, found.from_store_id)]);
  const senderSees = canAccessArea(ctx, 'vaccination:read', from!.area_path);
  if (!canAccessArea(ctx, 'vaccination:read', to!.area_path) && !senderSees) throw notFound('Shipment');
  if (!canAccessArea(ctx, 'vaccination:write', to!.area_path)) {
    if (senderSees) throw forbidden('Only the receiving store confirms a shipment', { scope: 'vaccination:write' });
    assertVaccinationAccess(ctx, 'vaccination:write', to!.area_path, 'Shipment');
  }

  return deps.db.transaction().execute(async (trx) => {
    const shipment = (await findShipment(trx, shipmentId, { forUpdate: true }))!;
    if (shipment.status === 'received') {
      const event = (await shipmentEvent(trx, shipment.id, 'ship_in'))!;
      return { event: eventView(event), shipment: shipmentView(shipment), replayed: true };
    }
    if (shipment.status !== 'in_transit') throw conflict('shipment_cancelled', 'This shipment was cancelled', { shipmentId: shipment.id });
    const event = await appendStockEvent(trx, ctx, {
      storeId: to!.id, lotId: shipment.lot_id, kind: 'ship_in', doses: shipment.doses, shipmentId: shipment.id, clientId: input.clientId ?? null, occurredAt, note,
    });
    const updated = await trx
      .updateTable('shipments')
      .set({ status: 'received', received_at: occurredAt, received_by: ctx.actor?.userId ?? null })
      .where('id', '=', shipment.id)
      .returning(['id', 'from_store_id', 'to_store_id', 'lot_id', 'doses', 'status', 'shipped_at', 'received_at'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, {
      action: 'shipment.receive', entityType: 'shipment', entityId: shipment.id, areaPath: to!.area_path,
      details: { fromStoreId: shipment.from_store_id, toStoreId: to!.id, lotId: shipment.lot_id, doses: shipment.doses, eventId: event.id },
    });
    return { event: eventView(event), shipment: shipmentView(updated), replayed: false };
  });
}
