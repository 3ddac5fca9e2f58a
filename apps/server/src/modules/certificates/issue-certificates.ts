import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { base45Encode, cborDecode, decodeHcert, parseCoseSign1, PREFIX, signHcert } from '@sen/certs';
import { uuidv7, type DB, type Transaction } from '@sen/db';
import {
  AppError, certifiableDoses, certificateDoses, certificateExpiry, DCC_COUNTRY, forbidden, makeUvci, notFound, recoveryDcc, recoveryEntryFrom, uvciOpaqueForId, vaccinationDcc,
  vaccinationEntry, type Dcc, type RecordedDose, type RecoveryFacts,
} from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { certificateView, findPersonForCertificate, personCertificates, type CertificateRow, type CertificateView } from './repo';
import { revokeInTransaction } from './revoke-certificate';
import { revocationHashes } from './revocation-hashes';
import { currentSigner } from './signing-keys';

export interface IssueOptions {
  /** Replace every valid certificate even when nothing changed (lost phone, suspected copy); needs a reason. */
  reissue?: boolean;
  reason?: string | null;
  /** The issuing instant (tests, bulk runs); now by default. */
  now?: Date;
}

export interface IssueResult {
  personId: string;
  issued: CertificateView[];
  /** Valid before and still right: left alone. */
  unchanged: CertificateView[];
  /** Revoked by this run: superseded by a corrected one, or their dose withdrawn. */
  revoked: CertificateView[];
}

/** What a certificate says, without its UVCI: a change means the certificate must be replaced. */
export function contentHash(dcc: Dcc): string {
  const entry = dcc.v?.[0] ?? dcc.r?.[0];
  const { ci: _ci, ...rest } = (entry ?? {}) as Record<string, unknown>;
  return createHash('sha256').update(JSON.stringify({ nam: dcc.nam, dob: dcc.dob, entry: rest })).digest('hex');
}

interface DoseRow {
  id: string;
  product: string;
  vaccine_code: string;
  administered_at: Date;
  administered_on: string;
  dose_kind: string;
  dose_number: number;
  verified: boolean;
  source: string;
}

/**
 * Issues the certificates a person's verified doses give (vaccination:write over the person's commune). Safe to
 * repeat: a dose with a valid certificate whose content is unchanged keeps it; a changed one (corrected dose,
 * name or birth date) is superseded and revoked in the same transaction, and a certificate whose dose was
 * withdrawn is revoked. Every issue and revocation is audited.
 */
export async function issueCertificates(deps: Deps, ctx: RequestContext, personId: string, options: IssueOptions = {}): Promise<IssueResult> {
  scopePaths(ctx, 'vaccination:write');
  const person = await findPersonForCertificate(deps.db, personId);
  if (!person) throw notFound('Person', { personId });
  if (!canAccessArea(ctx, 'vaccination:write', person.area_path)) throw forbidden('This person is outside your jurisdiction', { scope: 'vaccination:write' });
  return issueCertificatesUnchecked(deps, ctx, personId, options);
}

/** The doses of a person and of the records merged into them (a merge leaves doses where they were recorded). */
async function recordedDoses(trx: Transaction<DB>, personId: string): Promise<RecordedDose[]> {
  const rows = (await trx
    .selectFrom('doses')
    .select(['id', 'product', 'vaccine_code', 'administered_at', 'administered_on', 'dose_kind', 'dose_number', 'verified', 'source', 'review_status', 'recorded_at'])
    .where((eb) => eb.or([eb('person_id', '=', personId), eb('person_id', 'in', eb.selectFrom('people').select('id').where('merged_into', '=', personId))]))
    .execute()) as unknown as (DoseRow & { review_status: string; recorded_at: Date })[];
  return rows.map((d) => ({
    id: d.id, product: d.vaccine_code || d.product, administeredAt: new Date(d.administered_at), administeredOn: String(d.administered_on),
    doseKind: d.dose_kind as RecordedDose['doseKind'], doseNumber: d.dose_number, verified: d.verified, source: d.source as RecordedDose['source'],
    rejected: d.review_status === 'rejected', recordedAt: new Date(d.recorded_at),
  }));
}

/**
 * The same without the access check: for the bulk and re-issue jobs and the command line, which run as the system.
 * Certificates of records merged into this one are replaced by certificates of this one; recovery certificates are
 * re-issued when the holder's name or birth date changed.
 */
export async function issueCertificatesUnchecked(deps: Pick<Deps, 'db' | 'config'>, ctx: RequestContext, personId: string, options: IssueOptions = {}): Promise<IssueResult> {
  if (options.reissue && !options.reason?.trim()) throw new AppError('reason_required', 'Re-issuing needs a reason', { field: 'reason' }, 400);
  const signer = await currentSigner(deps.config.SEN_KEYS_DIR);
  const now = options.now ?? new Date();
  return deps.db.transaction().execute(async (trx) => {
    // The person row lock serialises two issuances for one person (the unique index would refuse the loser anyway).
    const person = await findPersonForCertificate(trx, personId, true);
    if (!person) throw notFound('Person', { personId });
    if (person.merged_into) throw new AppError('person_merged', 'This record was merged into another: issue for the surviving record', { mergedInto: person.merged_into }, 409);
    const doses = certifiableDoses(await recordedDoses(trx, personId));
    const wanted = new Set(certificateDoses(doses).map((d) => d.doseId));
    const existing = (await personCertificates(trx, personId, { withMerged: true })).filter((c) => c.status === 'valid');
    const validByDose = new Map(existing.filter((c) => c.dose_id).map((c) => [c.dose_id!, c]));
    const holder = { fullName: person.full_name, birthDate: person.birth_date };
    const result: IssueResult = { personId, issued: [], unchanged: [], revoked: [] };
    const replace = async (current: CertificateRow | undefined, id: string, dcc: Dcc, extra: Pick<NewCertificate, 'doseId' | 'sourceId' | 'expiresAt'>) => {
      const out = await putCertificate(trx, ctx, current, { id, personId, areaPath: person.area_path, dcc, hash: contentHash(dcc), signer, now, ...extra }, options.reissue ? options.reason!.trim() : null);
      if (out.unchanged) result.unchanged.push(out.unchanged);
      if (out.revoked) result.revoked.push(out.revoked);
      if (out.issued) result.issued.push(out.issued);
    };

    for (const dose of doses) {
      const current = validByDose.get(dose.doseId);
      if (!current && !wanted.has(dose.doseId)) continue;
      const id = uuidv7();
      await replace(current, id, vaccinationDcc(holder, vaccinationEntry(dose, makeUvci(uvciOpaqueForId(id, now)))), { doseId: dose.doseId });
    }
    const verifiedIds = new Set(doses.map((d) => d.doseId));
    for (const c of existing) {
      if (c.kind === 'vaccination' && c.dose_id && !verifiedIds.has(c.dose_id)) {
        result.revoked.push(certificateView(await revokeInTransaction(trx, ctx, c, { status: 'revoked', reason: 'dose_withdrawn', supersededBy: null, at: now })));
      }
      // A recovery certificate keeps what the testing module stated and its end; only the holder (and UVCI) change.
      // One past its end is left alone: nothing to correct on a certificate no verifier accepts.
      if (c.kind === 'recovery' && new Date(c.expires_at) > now) {
        const id = uuidv7();
        const { entry } = recoveryEntryFrom(recoveryFactsOf(c), makeUvci(uvciOpaqueForId(id, now)));
        await replace(c, id, recoveryDcc(holder, entry), { sourceId: c.source_id, expiresAt: new Date(c.expires_at) });
      }
    }
    return result;
  });
}

export interface PutOutcome {
  issued?: CertificateView;
  revoked?: CertificateView;
  unchanged?: CertificateView;
}

/**
 * Keeps `current` when it says the same for the same person (unless re-issued with a reason); otherwise revokes it
 * as superseded first (one valid certificate per dose or positive test day at any moment) and inserts the new one.
 */
export async function putCertificate(trx: Transaction<DB>, ctx: RequestContext, current: CertificateRow | undefined, c: NewCertificate, reissueReason: string | null): Promise<PutOutcome> {
  if (current && current.payload_hash === c.hash && current.person_id === c.personId && !reissueReason) return { unchanged: certificateView(current) };
  let revoked: CertificateView | undefined;
  if (current) {
    const reason = reissueReason ?? (current.person_id !== c.personId ? 'person_merged' : 'corrected');
    revoked = certificateView(await revokeInTransaction(trx, ctx, current, { status: 'superseded', reason, supersededBy: c.id, at: c.now }));
  }
  return { revoked, issued: certificateView(await insertCertificate(trx, ctx, c)) };
}

/** The facts a recovery certificate states, read back from its signed DCC. */
export function recoveryFactsOf(c: Pick<CertificateRow, 'hcert'>): RecoveryFacts {
  const r = (decodeHcert(c.hcert).claims?.dcc as Dcc | undefined)?.r?.[0];
  if (!r) throw new AppError('certificate_unreadable', 'A stored recovery certificate has no recovery entry', {}, 500);
  return { firstPositiveOn: r.fr, country: r.co, issuer: r.is };
}

/** A recovery certificate's signature expires with its validity: the end of `du` in Viet Nam. */
export function recoveryExpiry(validUntil: Date, issuedAt: Date): Date {
  const end = new Date(`${validUntil.toISOString().slice(0, 10)}T00:00:00+07:00`);
  end.setUTCDate(end.getUTCDate() + 1);
  if (end <= issuedAt) throw new AppError('recovery_expired', 'The positive test is more than 180 days old: a recovery certificate would already have expired', { field: 'firstPositiveOn' }, 422);
  return end;
}

export interface NewCertificate {
  id: string;
  personId: string;
  areaPath: string | null;
  dcc: Dcc;
  hash: string;
  signer: Awaited<ReturnType<typeof currentSigner>>;
  now: Date;
  /** The dose a vaccination certificate attests. */
  doseId?: string | null;
  /** The test result a recovery certificate rests on, when the testing module gives one. */
  sourceId?: string | null;
  /** When the signature expires: 12 months after issue unless given (a recovery certificate ends with its validity). */
  expiresAt?: Date;
}

/**
 * The ES256 signature of a COSE_Sign1 we just built: its last item, a 64-byte string (0x58 0x40 + r||s). Read
 * from the end rather than decoding the whole structure again (a CBOR decode costs more than the signing).
 */
function coseSignature(cose: Uint8Array): Uint8Array {
  const n = cose.length;
  if (n < 66 || cose[n - 66] !== 0x58 || cose[n - 65] !== 0x40) return parseCoseSign1(cborDecode(cose)).signature;
  return cose.subarray(n - 64);
}

/** Signs a vaccination or recovery DCC and returns the certificates row (also used by the bulk demo loader). */
export async function signedCertificateRow(c: NewCertificate, issuedBy: string | null) {
  const v = c.dcc.v?.[0];
  const r = c.dcc.r?.[0];
  const entry = v ?? r;
  if (!entry) throw new AppError('dcc_empty', 'A certificate needs a vaccination or recovery entry', {}, 500);
  const expiresAt = c.expiresAt ?? certificateExpiry(c.now);
  const cose = await signHcert(c.dcc as unknown as Record<string, unknown>, { signer: c.signer, issuer: DCC_COUNTRY, issuedAt: c.now, expiresAt });
  const signature = coseSignature(cose);
  const hashes = revocationHashes(DCC_COUNTRY, entry.ci, signature);
  return {
    id: c.id, person_id: c.personId, area_path: c.areaPath, kind: v ? 'vaccination' : 'recovery', uvci: entry.ci,
    dose_id: v ? (c.doseId ?? null) : null, source_id: r ? (c.sourceId ?? null) : null, product: v?.mp ?? null, dose_number: v?.dn ?? null, series_doses: v?.sd ?? null,
    event_on: v ? v.dt : r!.fr, issued_at: c.now, expires_at: expiresAt, kid: c.signer.kidHex, hcert: PREFIX + base45Encode(deflateSync(cose, { level: 9 })), payload_hash: c.hash,
    uci_hash: hashes.UCI, country_uci_hash: hashes.COUNTRYCODEUCI, signature_hash: hashes.SIGNATURE, status: 'valid', issued_by: issuedBy,
  };
}

export async function insertCertificate(trx: Transaction<DB>, ctx: RequestContext, c: NewCertificate): Promise<CertificateRow> {
  const row = await trx.insertInto('certificates').values(await signedCertificateRow(c, ctx.actor?.userId ?? null)).returningAll().executeTakeFirstOrThrow();
  const v = c.dcc.v?.[0];
  await recordAudit(trx, ctx, {
    action: 'certificate.issue', entityType: 'certificate', entityId: c.id, areaPath: c.areaPath,
    details: { personId: c.personId, kind: row.kind, ...(v ? { doseId: c.doseId ?? null, dn: v.dn, sd: v.sd } : { sourceId: c.sourceId ?? null }), kid: c.signer.kidHex },
  });
  return row;
}
