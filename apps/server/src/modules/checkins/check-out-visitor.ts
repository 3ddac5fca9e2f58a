import { sql } from '@sen/db';
import { conflict, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit, type AuditEvent } from '../access/record-audit';
import { CLOCK_SKEW_MINUTES, MAX_VISIT_MINUTES } from './record-checkins';
import { venueFieldError } from './validate-venue';
import { loadVenueFor } from './venue-access';

/** Check-in ids carry their check-in time in the first 48 bits: UUIDv7, or version 8 (time-hashed) since 0020. */
const TIME_PREFIXED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[78][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The check-in time carried by a check-in id: record-checkins makes ids with the check-in time in their first 48
 * bits, so the partition key is known and the row is found through the primary key (checked_in_at, id) in one
 * partition rather than by probing every day.
 */
export function checkinTimeOf(id: string): Date | null {
  if (!TIME_PREFIXED_UUID.test(id)) return null;
  return new Date(parseInt(id.replace(/-/g, '').slice(0, 12), 16));
}

export interface CheckoutResult {
  id: string;
  venueId: string;
  checkedInAt: string;
  checkedOutAt: string;
}

/**
 * Closes one open check-in found by its id among the check-ins matching `owner` (a venue's, or a person's) and
 * audits it with `audit`, in one transaction. The check-out defaults to now; it may not be in the future, before
 * the check-in, or make the visit longer than MAX_VISIT_MINUTES. Sending the same check-out time again is accepted
 * (a retry); another one for a visit already closed is 409.
 */
export async function closeCheckin(
  deps: Pick<Deps, 'db'>, ctx: RequestContext, checkinId: string, owner: { column: 'venue_id' | 'person_id'; id: string },
  input: { checkedOutAt?: string }, now: Date, audit: (row: { id: string; venue_id: string }) => AuditEvent,
): Promise<CheckoutResult> {
  let out = now;
  if (input.checkedOutAt !== undefined) {
    out = new Date(input.checkedOutAt);
    if (Number.isNaN(out.getTime()) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(input.checkedOutAt.trim())) {
      throw venueFieldError('invalid_time', 'checkedOutAt', 'Give a time as ISO 8601 with its offset, e.g. 2021-08-01T10:00:00+07:00');
    }
    if (out.getTime() > now.getTime() + CLOCK_SKEW_MINUTES * 60_000) throw venueFieldError('checkout_in_future', 'checkedOutAt', 'The check-out time is in the future');
  }
  const at = checkinTimeOf(checkinId);
  if (!at) throw notFound('Check-in');
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('checkins')
      .select(['id', 'venue_id', 'checked_in_at', 'checked_out_at'])
      .where('checked_in_at', '>=', at)
      .where('checked_in_at', '<', new Date(at.getTime() + 1))
      .where('id', '=', checkinId)
      .where(owner.column, '=', owner.id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('Check-in');
    const inAt = new Date(row.checked_in_at);
    const result = { id: row.id, venueId: row.venue_id, checkedInAt: inAt.toISOString(), checkedOutAt: out.toISOString() };
    if (row.checked_out_at) {
      if (input.checkedOutAt !== undefined && new Date(row.checked_out_at).getTime() === out.getTime()) return result;
      throw conflict('already_checked_out', 'This visit was already checked out', { checkedOutAt: new Date(row.checked_out_at).toISOString() });
    }
    if (out.getTime() <= inAt.getTime()) throw venueFieldError('checkout_before_checkin', 'checkedOutAt', 'The check-out must come after the check-in');
    if (out.getTime() - inAt.getTime() > MAX_VISIT_MINUTES * 60_000) throw venueFieldError('visit_too_long', 'checkedOutAt', `A visit lasts at most ${MAX_VISIT_MINUTES / 60} hours`);
    await trx
      .updateTable('checkins')
      .set({ checked_out_at: out })
      .where('checked_in_at', '=', row.checked_in_at)
      .where('id', '=', row.id)
      .where(sql<boolean>`checked_out_at IS NULL`)
      .execute();
    const event = audit(row);
    await recordAudit(trx, ctx, { ...event, details: { checkinId: row.id, ...event.details } });
    return result;
  });
}

/**
 * The venue's owner checks a visitor out (default now): only a check-in of this venue without a check-out (see
 * closeCheckin).
 */
export async function checkOutVisitor(deps: Deps, ctx: RequestContext, venueId: string, checkinId: string, input: { checkedOutAt?: string } = {}, now: Date = new Date()): Promise<CheckoutResult> {
  const venue = await loadVenueFor(deps.db, ctx, venueId, 'operate');
  return closeCheckin(deps, ctx, checkinId, { column: 'venue_id', id: venue.id }, input, now, () => ({
    action: 'checkin.checkout', entityType: 'venue', entityId: venue.id, areaPath: venue.area_path,
  }));
}
