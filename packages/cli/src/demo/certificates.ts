import { createHash } from 'node:crypto';
import { contentHash, signedCertificateRow, currentSigner } from '@sen/server';
import { ensureKeys } from '@sen/certs/node';
import { bulkInsert, sql, uuidv7, type BulkRow, type Connection } from '@sen/db';
import { certifiableDoses, certificateDoses, makeUvci, uvciOpaqueForId, vaccinationDcc, vaccinationEntry, vnDayOf, vnDayStart, type RecordedDose } from '@sen/domain';
import type { Deps } from '@sen/server';
import { createRng } from './random';

/**
 * Demo certificates (issue 4): for every demo person with verified doses, the certificates their doses give (as
 * issuance would: completed series, boosters, the latest dose), signed with the demo keys directory's signer
 * (created when absent); two checkpoints in Hà Nội with a morning of passages. Written in bulk, one signature
 * per certificate, at most DEMO_MAX_PEOPLE people a run. Safe to run twice: people who already hold a certificate
 * are skipped, checkpoints are keyed by their QR token. Runs after the vaccination campaign demo (loadDemoVaccinationCampaign).
 */

export interface CertificatesSummary {
  people: number;
  certificates: number;
  skippedPeople: number;
  checkpoints: number;
  passages: number;
  ms: number;
}

const CERT_COLUMNS = [
  'id', 'person_id', 'area_path', 'kind', 'uvci', 'dose_id', 'product', 'dose_number', 'series_doses', 'event_on', 'issued_at', 'expires_at', 'kid', 'hcert',
  'payload_hash', 'uci_hash', 'country_uci_hash', 'signature_hash', 'status', 'issued_by',
] as const;

const CHECKPOINTS = [
  { name: 'Chốt kiểm soát cửa ngõ Pháp Vân', commune: '00004' },
  { name: 'Chốt kiểm soát cầu Nhật Tân', commune: '00008' },
];

/**
 * Signing costs about a millisecond per certificate, so the first start certifies at most this many people (the
 * people linked to demo accounts first); `POST /api/certificates/bulk` or a second run issues the rest.
 */
export const DEMO_MAX_PEOPLE = 1_000;

export async function loadDemoCertificates(conn: Connection, deps: Deps, opts: { seed: number | string; log?: (s: string) => void; now?: Date; maxPeople?: number }): Promise<CertificatesSummary> {
  const t0 = Date.now();
  const now = opts.now ?? new Date();
  await ensureKeys(deps.config.SEN_KEYS_DIR);
  const signer = await currentSigner(deps.config.SEN_KEYS_DIR);

  const people = await sql<{ id: string; full_name: string; birth_date: string | null; area_path: string | null }>`
    SELECT p.id, p.full_name, p.birth_date, p.area_path::text AS area_path FROM people p
     WHERE p.merged_into IS NULL AND EXISTS (SELECT 1 FROM doses d WHERE d.person_id = p.id AND d.verified)
       AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.person_id = p.id)
     ORDER BY EXISTS (SELECT 1 FROM users u WHERE u.person_id = p.id) DESC, p.id
     LIMIT ${opts.maxPeople ?? DEMO_MAX_PEOPLE}`.execute(conn.db);
  const doses = await sql<{ id: string; person_id: string; product: string; vaccine_code: string; administered_at: Date; administered_on: string; dose_kind: string; dose_number: number; verified: boolean; source: string }>`
    SELECT d.id, d.person_id, d.product, d.vaccine_code, d.administered_at, d.administered_on::text AS administered_on, d.dose_kind, d.dose_number, d.verified, d.source
      FROM doses d WHERE d.verified AND d.person_id = ANY(${sql.val(people.rows.map((p) => p.id))}::uuid[])`.execute(conn.db);
  opts.log?.(`  certificates: read ${people.rows.length} people and ${doses.rows.length} doses in ${Date.now() - t0} ms`);
  const byPerson = new Map<string, RecordedDose[]>();
  for (const d of doses.rows) {
    const list = byPerson.get(d.person_id) ?? [];
    list.push({ id: d.id, product: d.vaccine_code || d.product, administeredAt: new Date(d.administered_at), administeredOn: d.administered_on, doseKind: d.dose_kind as RecordedDose['doseKind'], doseNumber: d.dose_number, verified: d.verified, source: d.source as RecordedDose['source'] });
    byPerson.set(d.person_id, list);
  }
  const rows: BulkRow[] = [];
  let skipped = 0;
  const pending: Promise<void>[] = [];
  for (const p of people.rows) {
    try {
      for (const dose of certificateDoses(certifiableDoses(byPerson.get(p.id) ?? []))) {
        const id = uuidv7();
        const dcc = vaccinationDcc({ fullName: p.full_name, birthDate: p.birth_date }, vaccinationEntry(dose, makeUvci(uvciOpaqueForId(id, now))));
        // Signatures run on the crypto thread pool: keep a window of them in flight instead of one at a time.
        pending.push(signedCertificateRow({ id, personId: p.id, areaPath: p.area_path, dcc, hash: contentHash(dcc), signer, now, doseId: dose.doseId }, null).then((row) => {
          rows.push(CERT_COLUMNS.map((c) => (row as Record<string, unknown>)[c]));
        }));
        if (pending.length >= 64) await Promise.all(pending.splice(0));
      }
    } catch {
      skipped++; // a name or record the rules refuse: issuance would answer 422 for it too
    }
  }
  await Promise.all(pending);
  const signedAt = Date.now();
  if (rows.length > 0) await bulkInsert(conn, 'certificates', CERT_COLUMNS, rows);
  opts.log?.(`  certificates: signed by ${signedAt - t0} ms, inserted by ${Date.now() - t0} ms`);
  opts.log?.(`  ${rows.length} certificates for ${people.rows.length - skipped} people (${skipped} skipped)`);

  // Checkpoints: the QR token is derived from the seed, so a second run finds them.
  const rng = createRng(`${opts.seed}:checkpoints`);
  const checkpointIds: string[] = [];
  for (const cp of CHECKPOINTS) {
    const token = createHash('sha256').update(`${opts.seed}:${cp.name}`).digest('base64url').slice(0, 24);
    const area = await conn.db.selectFrom('areas').select(['code', 'path']).where('code', '=', cp.commune).executeTakeFirst();
    if (!area) continue;
    await conn.db.insertInto('checkpoints').values({ id: uuidv7(), name: cp.name, commune_code: area.code, area_path: area.path, qr_token: token }).onConflict((oc) => oc.column('qr_token').doNothing()).execute();
    checkpointIds.push((await conn.db.selectFrom('checkpoints').select('id').where('qr_token', '=', token).executeTakeFirstOrThrow()).id);
  }
  let passages = 0;
  const havePassages = await conn.db.selectFrom('checkpoint_passages').select('id').where('checkpoint_id', 'in', checkpointIds.length ? checkpointIds : ['00000000-0000-0000-0000-000000000000']).limit(1).executeTakeFirst();
  if (!havePassages && checkpointIds.length > 0) {
    const hashes = (await conn.db.selectFrom('certificates').select('uci_hash').where('status', '=', 'valid').limit(200).execute()).map((r) => r.uci_hash);
    // The latest morning (06:00 to 12:00, Viet Nam time) that is over, so the demo has passages whatever the hour.
    const morning = new Date(vnDayStart(vnDayOf(new Date(now.getTime() - 12 * 3600_000))).getTime() + 6 * 3600_000);
    const rowsP: BulkRow[] = [];
    for (let i = 0; i < 120 && morning.getTime() + i * 180_000 < now.getTime(); i++) {
      const fail = rng.next() < 0.12;
      const reason = fail ? (rng.next() < 0.5 ? 'rules_failed' : 'expired') : null;
      rowsP.push([uuidv7(), checkpointIds[i % checkpointIds.length], new Date(morning.getTime() + i * 180_000), fail ? 'fail' : 'pass', reason, hashes.length ? hashes[Math.floor(rng.next() * hashes.length)] : null, 'officer_scan', null]);
    }
    if (rowsP.length) passages = await bulkInsert(conn, 'checkpoint_passages', ['id', 'checkpoint_id', 'passed_at', 'result', 'failure_reason', 'certificate_hash', 'via', 'recorded_by'], rowsP);
  }
  return { people: people.rows.length - skipped, certificates: rows.length, skippedPeople: skipped, checkpoints: checkpointIds.length, passages, ms: Date.now() - t0 };
}
