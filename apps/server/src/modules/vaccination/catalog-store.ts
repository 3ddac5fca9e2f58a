import { sql, type Database, type Transaction, type DB } from '@sen/db';
import { CATALOG_VERSIONS, catalogAt, type CatalogVersion } from '@sen/domain';

type Db = Database | Transaction<DB>;

/** The stored body: everything of a CatalogVersion except its key columns. */
export type CatalogBody = Omit<CatalogVersion, 'version' | 'validFrom' | 'source'>;

// Versions never change once written (a trigger refuses updates), so a version read once is good for the life
// of the process. Keyed by version number.
const cache = new Map<number, CatalogVersion>();
// The list of versions may grow (a national admin adds one): it is re-read when asked, never cached.

interface VersionRow {
  version: string;
  valid_from: string;
  source: string;
  body: CatalogBody | string;
}

function fromRow(row: VersionRow): CatalogVersion {
  const body = (typeof row.body === 'string' ? JSON.parse(row.body) : row.body) as CatalogBody;
  return Object.freeze({ version: Number(row.version), validFrom: row.valid_from, source: row.source, vaccines: body.vaccines, mixedSchedules: body.mixedSchedules, booster: body.booster });
}

export function catalogBody(catalog: CatalogVersion): CatalogBody {
  return { vaccines: catalog.vaccines, mixedSchedules: catalog.mixedSchedules, booster: catalog.booster };
}

/** Writes the catalog versions shipped in the code when missing (at start, beside the roles). Never overwrites. */
export async function seedCatalogVersions(db: Db): Promise<void> {
  await db
    .insertInto('vaccine_catalog_versions')
    .values(CATALOG_VERSIONS.map((v) => ({ version: String(v.version), valid_from: v.validFrom, source: v.source, body: JSON.stringify(catalogBody(v)) })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Every version, oldest first. */
export async function allCatalogVersions(db: Db): Promise<CatalogVersion[]> {
  const rows = await sql<VersionRow>`
    SELECT version, valid_from::text AS valid_from, source, body FROM vaccine_catalog_versions ORDER BY valid_from`.execute(db);
  return rows.rows.map((r) => {
    const n = Number(r.version);
    const cached = cache.get(n);
    if (cached) return cached;
    const v = fromRow(r);
    cache.set(n, v);
    return v;
  });
}

/** A version by its number (doses store it as text: both are accepted); null when unknown. */
export async function catalogByVersion(db: Db, version: number | string): Promise<CatalogVersion | null> {
  const n = Number(version);
  if (!Number.isInteger(n) || n < 1) return null;
  const cached = cache.get(n);
  if (cached) return cached;
  const row = await sql<VersionRow>`
    SELECT version, valid_from::text AS valid_from, source, body FROM vaccine_catalog_versions WHERE version = ${String(n)}`.execute(db);
  const found = row.rows[0];
  if (!found) return null;
  const v = fromRow(found);
  cache.set(n, v);
  return v;
}

/** The version in force on a date (Viet Nam calendar; today by default), from the stored versions. */
export async function activeCatalog(db: Db, at: Date = new Date()): Promise<CatalogVersion> {
  const versions = await allCatalogVersions(db);
  // An empty table means the start-up seed has not run (a tool on a bare database): the shipped versions apply.
  return catalogAt(at, versions.length > 0 ? versions : CATALOG_VERSIONS);
}
