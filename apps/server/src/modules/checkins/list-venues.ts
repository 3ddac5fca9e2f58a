import { sql } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { hasScope, jurisdictionSql, requireActor } from '../access/authorize';
import { selectVenues, venueView, VENUE_TYPES, type Venue, type VenueType } from './venues-repo';

export interface VenueListQuery {
  communeCode?: string;
  type?: VenueType;
  /** Only the actor's own venues. */
  mine?: boolean;
  limit?: number;
  /** Keyset cursor: the last id of the previous page. */
  after?: string;
}

export const MAX_VENUE_PAGE = 200;

/**
 * Venues the actor may see: their own, plus (staff) those inside their people:read jurisdiction, filtered in SQL so
 * nothing outside it is fetched or counted. Ordered by id (time-ordered UUIDv7), paged by keyset.
 */
export async function listVenues(deps: Deps, ctx: RequestContext, query: VenueListQuery): Promise<{ items: Venue[]; nextAfter: string | null }> {
  const actor = requireActor(ctx);
  const limit = Math.min(Math.max(query.limit ?? 50, 1), MAX_VENUE_PAGE);
  const staff = !query.mine && hasScope(ctx, 'people:read');
  let q = selectVenues(deps.db).where((eb) =>
    staff ? eb.or([eb('v.owner_user_id', '=', actor.userId), eb(jurisdictionSql(ctx, 'people:read', 'v.area_path'), '=', sql<boolean>`true`)]) : eb('v.owner_user_id', '=', actor.userId),
  );
  if (query.communeCode) q = q.where('v.commune_code', '=', query.communeCode);
  if (query.type && (VENUE_TYPES as readonly string[]).includes(query.type)) q = q.where('v.type', '=', query.type);
  if (query.after) q = q.where('v.id', '>', query.after);
  const rows = await q.orderBy('v.id').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return { items: page.map(venueView), nextAfter: rows.length > limit ? page[page.length - 1]!.id : null };
}
