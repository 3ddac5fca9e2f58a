import { sql, type Database, type DB, type Selectable, type Transaction } from '@sen/db';
import type { schema } from '@sen/db';

export type CertificateRow = Selectable<schema.Certificates>;
type Db = Database | Transaction<DB>;

export interface CertificateView {
  id: string;
  personId: string;
  kind: string;
  uvci: string;
  doseId: string | null;
  product: string | null;
  doseNumber: number | null;
  seriesDoses: number | null;
  eventOn: string;
  issuedAt: string;
  expiresAt: string;
  kid: string;
  status: 'valid' | 'revoked' | 'superseded';
  revokedAt: string | null;
  reason: string | null;
  supersededBy: string | null;
}

export function certificateView(r: CertificateRow): CertificateView {
  return {
    id: r.id, personId: r.person_id, kind: r.kind, uvci: r.uvci, doseId: r.dose_id, product: r.product, doseNumber: r.dose_number, seriesDoses: r.series_doses,
    eventOn: String(r.event_on), issuedAt: new Date(r.issued_at).toISOString(), expiresAt: new Date(r.expires_at).toISOString(), kid: r.kid,
    status: r.status as CertificateView['status'], revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null, reason: r.reason, supersededBy: r.superseded_by,
  };
}

export async function findCertificate(db: Db, id: string): Promise<CertificateRow | undefined> {
  return db.selectFrom('certificates').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A person's certificates, newest first; withMerged adds those of the records merged into them. */
export async function personCertificates(db: Db, personId: string, options: { withMerged?: boolean } = {}): Promise<CertificateRow[]> {
  return db
    .selectFrom('certificates')
    .selectAll()
    .where((eb) => (options.withMerged ? eb.or([eb('person_id', '=', personId), eb('person_id', 'in', eb.selectFrom('people').select('id').where('merged_into', '=', personId))]) : eb('person_id', '=', personId)))
    .orderBy('issued_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export interface PersonForCertificate {
  id: string;
  full_name: string;
  birth_date: string | null;
  area_path: string | null;
  merged_into: string | null;
}

export async function findPersonForCertificate(db: Db, personId: string, lock = false): Promise<PersonForCertificate | undefined> {
  const res = await sql<PersonForCertificate>`
    SELECT id, full_name, birth_date, area_path::text AS area_path, merged_into FROM people WHERE id = ${personId} ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  return res.rows[0];
}

/** A national ID number (CCCD, CMND, passport) or a UUID to a person id. */
export async function resolvePersonRef(db: Db, ref: string): Promise<string | undefined> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)) return ref.toLowerCase();
  const row = await db.selectFrom('person_identifiers').select('person_id').where('value', '=', ref.trim()).executeTakeFirst();
  return row?.person_id;
}
