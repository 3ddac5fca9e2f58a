import { uuidv7 } from '@sen/db';
import { forbidden } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { hasScope, requireActor } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { cleanText, cleanVenueName, cleanVenuePoint, cleanVenueType, cleanVisitMinutes, resolveOwner, resolveVenueCommune, venueFieldError } from './validate-venue';
import { DEFAULT_VISIT_MINUTES, findVenueRow, venueView, type Venue } from './venues-repo';

export interface VenueInput {
  name: string;
  type: string;
  address?: string | null;
  communeCode: string;
  openingHours?: string | null;
  defaultVisitMinutes?: number;
  /** Where it stands (WGS 84 degrees), both or neither. */
  latitude?: number | null;
  longitude?: number | null;
  /** The account that runs the venue. Omitted: the actor (a business administrator registering their own). */
  ownerUserId?: string;
}

/**
 * Registers a venue. Two ways:
 * - a business administrator registers their own venue (owner = themselves) in a commune inside their
 *   business:manage jurisdiction;
 * - commune staff (people:write in the venue's commune) register a venue for its owner, naming ownerUserId.
 * Registering a venue for someone else needs people:write there; a business administrator cannot make a venue
 * another account owns.
 */
export async function registerVenue(deps: Deps, ctx: RequestContext, input: VenueInput): Promise<Venue> {
  const actor = requireActor(ctx);
  const name = cleanVenueName(input.name);
  const type = cleanVenueType(input.type);
  const visit = cleanVisitMinutes(input.defaultVisitMinutes ?? DEFAULT_VISIT_MINUTES);
  const address = cleanText(input.address, 'address', 500);
  const openingHours = cleanText(input.openingHours, 'openingHours', 200);
  const point = cleanVenuePoint(input.latitude, input.longitude);
  const forSelf = input.ownerUserId === undefined || input.ownerUserId === actor.userId;
  if (forSelf && !hasScope(ctx, 'business:manage')) {
    throw venueFieldError('owner_required', 'ownerUserId', 'Staff registering a venue name the account that will run it');
  }
  if (!forSelf && !hasScope(ctx, 'people:write')) throw forbidden('Only commune staff can register a venue for another account', { field: 'ownerUserId', scope: 'people:write' });
  const id = uuidv7();
  await deps.db.transaction().execute(async (trx) => {
    const commune = await resolveVenueCommune(trx, ctx, input.communeCode, forSelf ? 'business:manage' : 'people:write');
    const owner = forSelf ? actor.userId : await resolveOwner(trx, input.ownerUserId!);
    await trx
      .insertInto('venues')
      .values({
        id, name, type, address, commune_code: commune.code, area_path: commune.path, owner_user_id: owner, opening_hours: openingHours,
        default_visit_minutes: visit, latitude: point.latitude, longitude: point.longitude, created_by: actor.userId,
      })
      .execute();
    await recordAudit(trx, ctx, { action: 'venue.create', entityType: 'venue', entityId: id, areaPath: commune.path, details: { type, ownerUserId: owner, forSelf } });
  });
  return venueView((await findVenueRow(deps.db, id))!);
}
