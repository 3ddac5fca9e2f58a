import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { base45Encode, cborDecode, parseCoseSign1, PREFIX, signHcert } from '@sen/certs';
import { uuidv7, type DB, type Transaction } from '@sen/db';
import {
  AppError, certifiableDoses, certificateDoses, certificateExpiry, DCC_COUNTRY, forbidden, makeUvci, notFound, uvciOpaqueForId, vaccinationDcc, vaccinationEntry,
  type Dcc, type RecordedDose,
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

/** The same without the access check: for the bulk job and the command line, which run as the system. */
export async function issueCertificatesUnchecked(deps: Pick<Deps, 'db' | 'config'>, ctx: RequestContext, personId: string, options: IssueOptions = {}): Promise<IssueResult> {
  if (options.reissue && !options.reason?.trim()) throw new AppError('reason_required', 'Re-issuing needs a reason', { field: 'reason' }, 400);
  const signer = await currentSigner(deps.config.SEN_KEYS_DIR);
  const now = options.now ?? new Date();
  return deps.db.transaction().execute(async (trx) => {
    // The person row lock serialises two issuances for one person (the unique index would refuse the loser anyway).
    const person = await findPersonForCertificate(trx, personId, true);
    if (!person) throw notFound('Person', { personId });
    if (person.merged_into) throw new AppError('person_merged', 'This record was merged into another: issue for the surviving record', { mergedInto: person.merged_into }, 409);
    const doseRows = (await trx
      .selectFrom('doses')
      .select(['id', 'product', 'vaccine_code', 'administered_at', 'administered_on', 'dose_kind', 'dose_number', 'verified', 'source'])
      .where('person_id', '=', personId)
      .execute()) as unknown as DoseRow[];
    const recorded: RecordedDose[] = doseRows.map((d) => ({
      id: d.id, product: d.vaccine_code || d.product, administeredAt: new Date(d.administered_at), administeredOn: String(d.administered_on),
      doseKind: d.dose_kind as RecordedDose['doseKind'], doseNumber: d.dose_number, verified: d.verified, source: d.source as RecordedDose['source'],
    }));
    const doses = certifiableDoses(recorded);
    const wanted = new Set(certificateDoses(doses).map((d) => d.doseId));
    const existing = (await personCertificates(trx, personId)).filter((c) => c.status === 'valid');
    const validByDose = new Map(existing.filter((c) => c.dose_id).map((c) => [c.dose_id!, c]));
    const holder = { fullName: person.full_name, birthDate: person.birth_date };
    const result: IssueResult = { personId, issued: [], unchanged: [], revoked: [] };

    for (const dose of doses) {
      const current = validByDose.get(dose.doseId);
      if (!current && !wanted.has(dose.doseId)) continue;
      const id = uuidv7();
      const uvci = makeUvci(uvciOpaqueForId(id, now));
      const dcc = vaccinationDcc(holder, vaccinationEntry(dose, uvci));
      const hash = contentHash(dcc);
      if (current && current.payload_hash === hash && !options.reissue) {
        result.unchanged.push(certificateView(current));
        continue;
      }
      // The old one goes first: one valid certificate per dose at any moment (unique index).
      if (current) {
        const reason = options.reissue ? options.reason!.trim() : 'corrected';
        result.revoked.push(certificateView(await revokeInTransaction(trx, ctx, current, { status: 'superseded', reason, supersededBy: id, at: now })));
      }
      const row = await insertCertificate(trx, ctx, { id, personId, areaPath: person.area_path, dcc, hash, signer, now, doseId: dose.doseId, product: dose.vaccine });
      result.issued.push(certificateView(row));
    }
    const verifiedIds = new Set(doses.map((d) => d.doseId));
    for (const c of existing) {
      if (c.kind === 'vaccination' && c.dose_id && !verifiedIds.has(c.dose_id)) {
        result.revoked.push(certificateView(await revokeInTransaction(trx, ctx, c, { status: 'revoked', reason: 'dose_withdrawn', supersededBy: null, at: now })));
      }
    }
    return result;
  });
}

export interface NewCertificate {
  id: string;
  personId: string;
  areaPath: string | null;
  dcc: Dcc;
  hash: string;
  signer: Awaited<ReturnType<typeof currentSigner>>;
  now: Date;
  doseId: string;
  product: string;
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

/** Signs a vaccination DCC and returns the certificates row (also used by the bulk demo loader). */
export async function signedCertificateRow(c: Omit<NewCertificate, 'product'>, issuedBy: string | null) {
  const entry = c.dcc.v![0]!;
  const expiresAt = certificateExpiry(c.now);
  const cose = await signHcert(c.dcc as unknown as Record<string, unknown>, { signer: c.signer, issuer: DCC_COUNTRY, issuedAt: c.now, expiresAt });
  const signature = coseSignature(cose);
  const hashes = revocationHashes(DCC_COUNTRY, entry.ci, signature);
  return {
    id: c.id, person_id: c.personId, area_path: c.areaPath, kind: 'vaccination', uvci: entry.ci, dose_id: c.doseId, product: entry.mp, dose_number: entry.dn, series_doses: entry.sd,
    event_on: entry.dt, issued_at: c.now, expires_at: expiresAt, kid: c.signer.kidHex, hcert: PREFIX + base45Encode(deflateSync(cose, { level: 9 })), payload_hash: c.hash,
    uci_hash: hashes.UCI, country_uci_hash: hashes.COUNTRYCODEUCI, signature_hash: hashes.SIGNATURE, status: 'valid', issued_by: issuedBy,
  };
}

async function insertCertificate(trx: Transaction<DB>, ctx: RequestContext, c: NewCertificate): Promise<CertificateRow> {
  const entry = c.dcc.v![0]!;
  const row = await trx.insertInto('certificates').values(await signedCertificateRow(c, ctx.actor?.userId ?? null)).returningAll().executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'certificate.issue', entityType: 'certificate', entityId: c.id, areaPath: c.areaPath,
    details: { personId: c.personId, doseId: c.doseId, kind: 'vaccination', dn: entry.dn, sd: entry.sd, kid: c.signer.kidHex },
  });
  return row;
}
