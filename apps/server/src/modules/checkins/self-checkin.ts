import { AppError, badRequest, conflict, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { requireActor, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { recordCheckins, type RecordOptions } from './record-checkins';
import { resolveVenueToken } from './venue-qr';
import { findVenueRow } from './venues-repo';

export interface SelfCheckinInput {
  /** The venue, by id (the web app's venue page) or by the signed token scanned from its poster. Exactly one. */
  venueId?: string;
  venueToken?: string;
  clientId: string;
  checkedInAt: string;
  checkedOutAt?: string | null;
}

/** A chain longer than this is corrupt data, not a history of merges. */
const MAX_MERGE_HOPS = 10;

/**
 * A citizen checks themselves in at a venue (scanning its poster). Needs an account linked to a person record;
 * the venue must exist and be open. Idempotent on clientId. Returns only the venue's name back.
 */
export async function selfCheckin(deps: Deps, ctx: RequestContext, input: SelfCheckinInput, options: RecordOptions = {}) {
  const actor = requireActor(ctx);
  scopePaths(ctx, 'self:read');
  const notLinked = () => new AppError('not_linked', 'Your account is not linked to a person record yet', {}, 404);
  if (!actor.personId) throw notLinked();
  let person = await deps.db.selectFrom('people').select(['id', 'merged_into', 'area_path']).where('id', '=', actor.personId).executeTakeFirst();
  for (let hops = 0; person?.merged_into && hops < MAX_MERGE_HOPS; hops++) {
    person = await deps.db.selectFrom('people').select(['id', 'merged_into', 'area_path']).where('id', '=', person.merged_into).executeTakeFirst();
  }
  if (!person || person.merged_into) throw notLinked();
  if ((input.venueId === undefined) === (input.venueToken === undefined)) {
    throw badRequest('venue_required', 'venueToken: Give either venueToken (scanned from the poster) or venueId, not both', { field: 'venueToken' });
  }
  const venue = input.venueToken !== undefined ? await resolveVenueToken(deps, input.venueToken, 'venueToken', options.now) : await findVenueRow(deps.db, input.venueId!);
  if (!venue) throw notFound('Venue', { field: 'venueId' });
  if (!venue.active) throw conflict('venue_inactive', 'This venue is closed for check-ins');
  const personId = person.id;
  return deps.db.transaction().execute(async (trx) => {
    const res = await recordCheckins({ db: trx }, [{ clientId: input.clientId, venueId: venue.id, personId, checkedInAt: input.checkedInAt, checkedOutAt: input.checkedOutAt ?? null, source: 'self_scan' }], { maxAgeDays: deps.config.SEN_CHECKINS_RETENTION_DAYS, ...options }).catch((err: unknown) => {
      if (err instanceof AppError && typeof err.details.field === 'string') {
        const field = err.details.field.replace(/^checkins\.0\./, '');
        throw new AppError(err.code, err.message.replace(/^[^:]+:/, `${field}:`), { ...err.details, field, errors: [{ field, message: err.message.replace(/^[^:]+:\s*/, '') }] }, err.status);
      }
      throw err;
    });
    const id = res.inserted[0]?.id ?? null;
    await recordAudit(trx, ctx, { action: 'checkin.self', entityType: 'venue', entityId: venue.id, areaPath: venue.area_path, details: { checkinId: id, duplicate: id === null, personId, via: input.venueToken !== undefined ? 'token' : 'id' } });
    return { id, clientId: input.clientId.trim(), duplicate: id === null, venueId: venue.id, venueName: venue.name };
  });
}
