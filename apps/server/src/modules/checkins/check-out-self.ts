import type { Deps, RequestContext } from '../../context';
import { closeCheckin, type CheckoutResult } from './check-out-visitor';
import { ownPersonRow } from './person-qr';

/**
 * A citizen leaves a venue ("Rời địa điểm" on the poster): closes their own open check-in (default now). Another
 * person's check-in is 404, as if it did not exist. Audited on the person.
 */
export async function checkOutSelf(deps: Deps, ctx: RequestContext, checkinId: string, input: { checkedOutAt?: string } = {}, now: Date = new Date()): Promise<CheckoutResult> {
  const person = await ownPersonRow(deps.db, ctx);
  return closeCheckin(deps, ctx, checkinId, { column: 'person_id', id: person.id }, input, now, (row) => ({
    action: 'checkin.checkout_self', entityType: 'person', entityId: person.id, areaPath: person.area_path, details: { venueId: row.venue_id },
  }));
}
