import crypto from 'node:crypto';
import { sql, type Database, type DB, type Transaction } from '@sen/db';
import { allCatalogVersions } from './catalog-store';
import { catalogAt, CATALOG_VERSIONS, findVaccine, vnDayOf, type CatalogVersion } from '@sen/domain';
import { notFound, type Scope } from '@sen/domain';
import type { RequestContext } from '../../context';
import { scopePaths } from '../access/authorize';
import { assertVaccinationAccess } from './vaccination-access';

type Db = Database | Transaction<DB>;

/** Observation after each dose (Ministry of Health: 30 minutes at the site). */
export const OBSERVATION_MINUTES = 30;

export interface SessionRow {
  id: string;
  site_id: string;
  session_date: string;
  starts_at: Date;
  ends_at: Date;
  products: string[];
  capacity: number;
  status: 'planned' | 'open' | 'closed' | 'cancelled';
  area_path: string;
  shift_id: string | null;
  note: string | null;
  opened_at: Date | null;
  closed_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export function selectSessions(db: Db) {
  return db
    .selectFrom('vaccination_sessions as vs')
    .select([
      'vs.id', 'vs.site_id', sql<string>`vs.session_date::text`.as('session_date'), 'vs.starts_at', 'vs.ends_at', 'vs.products', 'vs.capacity',
      sql<SessionRow['status']>`vs.status`.as('status'), sql<string>`vs.area_path::text`.as('area_path'), 'vs.shift_id', 'vs.note', 'vs.opened_at',
      'vs.closed_at', 'vs.cancelled_at', 'vs.cancel_reason', 'vs.created_at', 'vs.updated_at',
    ]);
}

export async function findSession(db: Db, id: string, options: { forUpdate?: boolean } = {}): Promise<SessionRow | undefined> {
  let q = selectSessions(db).where('vs.id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  return (await q.executeTakeFirst()) as SessionRow | undefined;
}

/** A session the actor may use with `scope`: 404 outside their vaccination:read jurisdiction, 403 when only readable. */
export async function loadSessionFor(db: Db, ctx: RequestContext, id: string, scope: Scope, options: { forUpdate?: boolean } = {}): Promise<SessionRow> {
  scopePaths(ctx, scope);
  const row = await findSession(db, id, options);
  if (!row) throw notFound('Session');
  assertVaccinationAccess(ctx, scope, row.area_path, 'Session');
  return row;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function sessionView(r: SessionRow, catalog: CatalogVersion, counts?: { arrivals: number; doses: number }) {
  return {
    id: r.id,
    siteId: r.site_id,
    date: r.session_date,
    startsAt: iso(r.starts_at)!,
    endsAt: iso(r.ends_at)!,
    products: r.products,
    vaccines: r.products.map((mp) => vaccineCodeOfProduct(catalog, mp) ?? mp),
    capacity: r.capacity,
    status: r.status,
    areaPath: r.area_path,
    shiftId: r.shift_id,
    note: r.note,
    openedAt: iso(r.opened_at),
    closedAt: iso(r.closed_at),
    cancelledAt: iso(r.cancelled_at),
    cancelReason: r.cancel_reason,
    createdAt: iso(r.created_at)!,
    arrivals: counts?.arrivals ?? null,
    doses: counts?.doses ?? null,
  };
}

// The catalog list changes rarely (a national admin adds a version); re-reading it on every dose would cost a
// round trip on the hot path, so it is kept for a few seconds.
const CATALOG_TTL_MS = 5_000;
let catalogCache: { at: number; versions: CatalogVersion[] } | null = null;

/** The catalog version in force on a date, from the stored versions (catalog-store), cached for a few seconds. */
export async function catalogFor(db: Db, at: Date = new Date()): Promise<CatalogVersion> {
  const now = Date.now();
  if (!catalogCache || now - catalogCache.at > CATALOG_TTL_MS) {
    const versions = await allCatalogVersions(db);
    catalogCache = { at: now, versions: versions.length > 0 ? versions : [...CATALOG_VERSIONS] };
  }
  return catalogAt(at, catalogCache.versions);
}

/** EU DCC medicinal product code of a catalog vaccine code ('pfizer' -> 'EU/1/20/1528'). */
export function productOf(catalog: CatalogVersion, vaccineCode: string): string | null {
  return findVaccine(catalog, vaccineCode)?.dcc.mp ?? null;
}

export function vaccineCodeOfProduct(catalog: CatalogVersion, product: string): string | null {
  return catalog.vaccines.find((v) => v.dcc.mp === product)?.code ?? null;
}

/** A stable digest of a request body: key order does not matter, so a retry that re-serialises still matches. */
export function requestHash(body: unknown): string {
  return crypto.createHash('sha256').update(canonicalJson(body)).digest('base64url');
}

function canonicalJson(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

/** Whether an error is a unique violation of a given constraint or index. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === constraint;
}

/** The Viet Nam calendar day (ISO) of an instant; the name record-dose.ts imports. */
export const vnDay = vnDayOf;
