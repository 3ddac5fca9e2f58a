import { sql, type Database, type DB, type Transaction } from '@sen/db';
import { badRequest, notFound, type Scope } from '@sen/domain';
import type { RequestContext } from '../../context';
import { scopePaths } from '../access/authorize';
import { REQUIRED_SHIFT_ROLES, type SiteKind, type StaffRole } from './sites-schemas';
import { assertVaccinationAccess } from './vaccination-access';

type Db = Database | Transaction<DB>;

export interface SiteRow {
  id: string;
  kind: string;
  name: string;
  area_code: string;
  area_path: string;
  address: string | null;
  capacity_per_hour: number;
  opening_days: number[];
  opens_at: string;
  closes_at: string;
  store_id: string | null;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface ShiftRow {
  id: string;
  site_id: string;
  shift_date: string;
  starts_at: Date;
  ends_at: Date;
  note: string | null;
  created_at: Date;
}

export function fieldError(code: string, field: string, message: string) {
  return badRequest(code, `${field}: ${message}`, { field, errors: [{ field, message }] });
}

export function selectSites(db: Db) {
  return db
    .selectFrom('vaccination_sites as s')
    .select([
      's.id', 's.kind', 's.name', 's.area_code', sql<string>`s.area_path::text`.as('area_path'), 's.address', 's.capacity_per_hour',
      sql<number[]>`s.opening_days::int[]`.as('opening_days'), sql<string>`to_char(s.opens_at, 'HH24:MI')`.as('opens_at'),
      sql<string>`to_char(s.closes_at, 'HH24:MI')`.as('closes_at'), 's.store_id', 's.active', 's.version', 's.created_at', 's.updated_at',
    ]);
}

export async function findSite(db: Db, id: string, options: { forUpdate?: boolean } = {}): Promise<SiteRow | undefined> {
  let q = selectSites(db).where('s.id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The module's access rule (vaccination-access.ts) under the name record-dose.ts imports. */
export { assertVaccinationAccess as assertSiteAccess } from './vaccination-access';

export async function loadSiteFor(db: Db, ctx: RequestContext, id: string, scope: Scope, options: { forUpdate?: boolean; what?: string } = {}): Promise<SiteRow> {
  scopePaths(ctx, scope);
  const row = await findSite(db, id, options);
  if (!row) throw notFound(options.what ?? 'Site');
  assertVaccinationAccess(ctx, scope, row.area_path, options.what ?? 'Site');
  return row;
}

export function selectShifts(db: Db) {
  return db
    .selectFrom('shifts as sh')
    .select(['sh.id', 'sh.site_id', sql<string>`sh.shift_date::text`.as('shift_date'), 'sh.starts_at', 'sh.ends_at', 'sh.note', 'sh.created_at']);
}

export async function findShift(db: Db, id: string): Promise<ShiftRow | undefined> {
  return selectShifts(db).where('sh.id', '=', id).executeTakeFirst();
}

/** Loads a shift and its site for an operation that needs `scope`: the shift is judged by its site's area. */
export async function loadShiftFor(db: Db, ctx: RequestContext, id: string, scope: Scope): Promise<{ shift: ShiftRow; site: SiteRow }> {
  scopePaths(ctx, scope);
  const shift = await findShift(db, id);
  if (!shift) throw notFound('Shift');
  const site = (await findSite(db, shift.site_id))!;
  assertVaccinationAccess(ctx, scope, site.area_path, 'Shift');
  return { shift, site };
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
/** Viet Nam local time (UTC+7, no daylight saving) of an instant, as YYYY-MM-DDTHH:MM. */
export const vnLocal = (d: Date | string) => new Date(new Date(d).getTime() + 7 * 3_600_000).toISOString().slice(0, 16);
/** The instant of a Viet Nam local date-time YYYY-MM-DDTHH:MM. */
export const fromVnLocal = (local: string) => new Date(`${local}:00+07:00`);

export function siteView(r: SiteRow) {
  return {
    id: r.id, kind: r.kind as SiteKind, name: r.name, areaCode: r.area_code, areaPath: r.area_path, address: r.address, capacityPerHour: r.capacity_per_hour,
    openingDays: r.opening_days.map(Number), opensAt: r.opens_at, closesAt: r.closes_at, storeId: r.store_id, active: r.active, version: r.version,
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

/** Whether a team has the roles a shift needs, and which are missing (a shift is reported incomplete, never refused). */
export function completeness(roles: readonly string[]): { complete: boolean; missing: StaffRole[] } {
  const missing = REQUIRED_SHIFT_ROLES.filter((r) => !roles.includes(r));
  return { complete: missing.length === 0, missing };
}

/** Views of shifts with their members (one more query for all members). */
export async function shiftViews(db: Db, rows: readonly ShiftRow[]) {
  const ids = rows.map((r) => r.id);
  const members = ids.length === 0 ? [] : await db
    .selectFrom('shift_members as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .select(['m.shift_id', 'm.person_id', 'm.role', 'p.full_name'])
    .where('m.shift_id', 'in', ids)
    .orderBy('m.added_at')
    .orderBy('m.person_id')
    .execute();
  return rows.map((r) => {
    const team = members.filter((m) => m.shift_id === r.id).map((m) => ({ personId: m.person_id, fullName: m.full_name, role: m.role as StaffRole }));
    return {
      id: r.id, siteId: r.site_id, date: r.shift_date, startsAt: iso(r.starts_at), endsAt: iso(r.ends_at), localStart: vnLocal(r.starts_at), localEnd: vnLocal(r.ends_at),
      note: r.note, members: team, ...completeness(team.map((m) => m.role)), createdAt: iso(r.created_at),
    };
  });
}

export async function shiftView(db: Db, id: string) {
  return (await shiftViews(db, [(await findShift(db, id))!]))[0]!;
}

/** The exclusion constraint of shift_members refused an overlapping assignment (SQLSTATE 23P01). */
export function isShiftOverlap(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; message?: string } | undefined;
  return e?.code === '23P01' && (e.constraint === 'shift_members_no_overlap' || (e.message ?? '').includes('shift_members_no_overlap'));
}

/** The first shift, other than `exceptShiftId`, in which one of these people works during [startsAt, endsAt). */
export async function overlappingShift(db: Db, personIds: readonly string[], startsAt: Date, endsAt: Date, exceptShiftId: string | null) {
  if (personIds.length === 0) return undefined;
  let q = db
    .selectFrom('shift_members as m')
    .select(['m.shift_id', 'm.person_id'])
    .where('m.person_id', 'in', [...personIds])
    .where(sql<boolean>`tstzrange(m.starts_at, m.ends_at, '[)') && tstzrange(${startsAt}::timestamptz, ${endsAt}::timestamptz, '[)')`);
  if (exceptShiftId) q = q.where('m.shift_id', '<>', exceptShiftId);
  return q.orderBy('m.starts_at').limit(1).executeTakeFirst();
}
