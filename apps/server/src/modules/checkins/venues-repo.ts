import { sql, type Database, type Selectable, type schema } from '@sen/db';

export const VENUE_TYPES = ['business', 'agency', 'market', 'school', 'checkpoint', 'transport', 'event', 'other'] as const;
export type VenueType = (typeof VENUE_TYPES)[number];
export const DEFAULT_VISIT_MINUTES = 60;
export const MIN_VISIT_MINUTES = 5;
export const MAX_DEFAULT_VISIT_MINUTES = 720;

export type VenueRow = Selectable<schema.Venues>;

export interface Venue {
  id: string;
  name: string;
  type: VenueType;
  address: string | null;
  communeCode: string;
  ownerUserId: string;
  openingHours: string | null;
  defaultVisitMinutes: number;
  /** Where it stands (WGS 84), when known: the tracer's map draws it there rather than at its province. */
  latitude: number | null;
  longitude: number | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** The columns of a venue, with the ltree path as text. */
export function selectVenues(db: Database) {
  return db
    .selectFrom('venues as v')
    .select([
      'v.id', 'v.name', 'v.type', 'v.address', 'v.commune_code', sql<string>`v.area_path::text`.as('area_path'), 'v.owner_user_id', 'v.opening_hours',
      'v.default_visit_minutes', 'v.latitude', 'v.longitude', 'v.active', 'v.created_at', 'v.created_by', 'v.updated_at', 'v.version', 'v.qr_version', 'v.qr_rotated_at',
    ]);
}

export async function findVenueRow(db: Database, id: string, options: { forUpdate?: boolean } = {}): Promise<VenueRow | undefined> {
  let q = selectVenues(db).where('v.id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export function venueView(row: VenueRow): Venue {
  return {
    id: row.id,
    name: row.name,
    type: row.type as VenueType,
    address: row.address,
    communeCode: row.commune_code,
    ownerUserId: row.owner_user_id,
    openingHours: row.opening_hours,
    defaultVisitMinutes: row.default_visit_minutes,
    latitude: row.latitude,
    longitude: row.longitude,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
  };
}
