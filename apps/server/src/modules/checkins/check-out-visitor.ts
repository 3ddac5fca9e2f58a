import { sql } from '@sen/db';
import { conflict, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { CLOCK_SKEW_MINUTES, MAX_VISIT_MINUTES } from './record-checkins';
import { venueFieldError } from './validate-venue';
import { loadVenueFor } from './venue-access';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The check-in time carried by a check-in id: record-checkins makes ids as UUIDv7 of the check-in time, so the
 * partition key is known and the row is found through the primary key (checked_in_at, id) in one partition rather
 * than by probing every day.
 */
export function checkinTimeOf(id: string): Date | null {
  if (!UUID_V7.test(id)) return null;
  return new Date(parseInt(id.replace(/-/g, '').slice(0, 12), 16));
}

/**
 * The venue's owner checks a visitor out (default now). Only a check-in of this venue without a check-out; the
 * visit may not be longer than MAX_VISIT_MINUTES. Sending the same check-out time again is accepted (a retry).
 */
export async function checkOutVisitor(deps: Deps, ctx: RequestContext, venueId: string, checkinId: string, input: { checkedOutAt?: string } = {}, now: Date = new Date()) {
  const venue = await loadVenueFor(deps.db, ctx, venueId, 'operate');
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
      .select(['id', 'checked_in_at', 'checked_out_at'])
      .where('checked_in_at', '>=', at)
      .where('checked_in_at', '<', new Date(at.getTime() + 1))
      .where('id', '=', checkinId)
      .where('venue_id', '=', venue.id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('Check-in');
    const inAt = new Date(row.checked_in_at);
    if (row.checked_out_at) {
      if (input.checkedOutAt !== undefined && new Date(row.checked_out_at).getTime() === out.getTime()) {
        return { id: row.id, checkedInAt: inAt.toISOString(), checkedOutAt: out.toISOString() };
      }
      throw conflict('already_checked_out', 'This visitor was already checked out', { checkedOutAt: new Date(row.checked_out_at).toISOString() });
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
    await recordAudit(trx, ctx, { action: 'checkin.checkout', entityType: 'venue', entityId: venue.id, areaPath: venue.area_path, details: { checkinId: row.id } });
    return { id: row.id, checkedInAt: inAt.toISOString(), checkedOutAt: out.toISOString() };
  });
}
