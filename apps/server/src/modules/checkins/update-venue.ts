import { sql } from '@sen/db';
import { conflict, forbidden } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { loadVenueFor } from './venue-access';
import { cleanText, cleanVenueName, cleanVenuePoint, cleanVenueType, cleanVisitMinutes, resolveOwner, resolveVenueCommune } from './validate-venue';
import { findVenueRow, venueView, type Venue } from './venues-repo';

export interface VenuePatch {
  version: number;
  name?: string;
  type?: string;
  address?: string | null;
  communeCode?: string;
  openingHours?: string | null;
  defaultVisitMinutes?: number;
  /** Both or neither (null and null removes the point). */
  latitude?: number | null;
  longitude?: number | null;
  active?: boolean;
  /** Handing a venue to another account: commune staff only. */
  ownerUserId?: string;
}

/**
 * Edits a venue with optimistic concurrency (send the version you read; a stale one is 409 version_conflict).
 * The owner or commune staff may edit; only staff (people:write in the commune) may change the owner; moving a venue
 * to another commune needs the same right there as here.
 */
export async function updateVenue(deps: Deps, ctx: RequestContext, id: string, patch: VenuePatch): Promise<Venue> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await loadVenueFor(trx, ctx, id, 'manage', { forUpdate: true });
    if (row.version !== patch.version) throw conflict('version_conflict', 'Someone else changed this venue since you opened it; reload and try again', { currentVersion: row.version });
    const staff = canAccessArea(ctx, 'people:write', row.area_path);
    const point = cleanVenuePoint(patch.latitude === undefined ? row.latitude : patch.latitude, patch.longitude === undefined ? row.longitude : patch.longitude);
    const next = {
      name: patch.name === undefined ? row.name : cleanVenueName(patch.name),
      type: patch.type === undefined ? row.type : cleanVenueType(patch.type),
      address: patch.address === undefined ? row.address : cleanText(patch.address, 'address', 500),
      opening_hours: patch.openingHours === undefined ? row.opening_hours : cleanText(patch.openingHours, 'openingHours', 200),
      default_visit_minutes: patch.defaultVisitMinutes === undefined ? row.default_visit_minutes : cleanVisitMinutes(patch.defaultVisitMinutes),
      latitude: point.latitude,
      longitude: point.longitude,
      active: patch.active ?? row.active,
      commune_code: row.commune_code,
      area_path: row.area_path,
      owner_user_id: row.owner_user_id,
    };
    if (patch.communeCode !== undefined && patch.communeCode !== row.commune_code) {
      const c = await resolveVenueCommune(trx, ctx, patch.communeCode, staff ? 'people:write' : 'business:manage');
      next.commune_code = c.code;
      next.area_path = c.path;
    }
    if (patch.ownerUserId !== undefined && patch.ownerUserId !== row.owner_user_id) {
      if (!staff) throw forbidden('Only commune staff can hand a venue to another account', { field: 'ownerUserId', scope: 'people:write' });
      next.owner_user_id = await resolveOwner(trx, patch.ownerUserId);
    }
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== row[k]);
    if (changed.length === 0) return;
    const res = await trx
      .updateTable('venues')
      .set({ ...next, version: sql`version + 1`, updated_at: sql`now()` })
      .where('id', '=', id)
      .where('version', '=', patch.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('version_conflict', 'Someone else changed this venue since you opened it; reload and try again');
    await recordAudit(trx, ctx, {
      action: 'venue.update', entityType: 'venue', entityId: id, areaPath: next.area_path,
      details: { changed, version: patch.version + 1, ...(next.area_path !== row.area_path ? { movedFrom: row.area_path } : {}) },
    });
  });
  return venueView((await findVenueRow(deps.db, id))!);
}
