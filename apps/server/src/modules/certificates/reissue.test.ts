import { decodeHcert, type Dcc } from '@sen/certs';
import { sql, uuidv7 } from '@sen/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue, type Jobs } from '../../jobs';
import { signInAs } from '../../testing/test-app';
import { AZ, BA_DINH, call, countRows, createCertificatesTestApp, createPerson, insertDose, ok } from './certificates.fixtures';
import { REISSUE_JOB, reissueJob } from './reissue-after-correction';
import { uciHash } from './revocation-hashes';

/**
 * Corrections reach certificates through the pg-boss job, end to end: the people and vaccination routes queue it
 * after committing, the queue runs it in this process, and the old certificate ends superseded and published as
 * revoked while a new one says the corrected thing.
 */
type T = Awaited<ReturnType<typeof createCertificatesTestApp>>;
interface Cert { id: string; uvci: string; status: string; doseNumber: number; seriesDoses: number; personId: string }

let t: T;
let queue: JobQueue;
const sent: { name: string; payload: object; id: string | null }[] = [];
const cookies: Record<string, string> = {};

beforeAll(async () => {
  // The app queues through this proxy; the real queue starts once the app (and its database) exists.
  const jobs: Jobs = {
    send: async (name, payload, options) => {
      const id = await queue.send(name, payload, options);
      sent.push({ name, payload, id });
      return id;
    },
    get: (name, id) => queue.get(name, id),
  };
  t = await createCertificatesTestApp({ jobs });
  queue = new JobQueue(t.conn, { error: () => undefined } as unknown as Console);
  queue.define(reissueJob({ db: t.conn.db, config: t.config }));
  await queue.start({ work: true });
  cookies.national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  cookies.staff = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
}, 240_000);
afterAll(async () => {
  await queue?.stop();
  await t?.close();
});

async function jobDone(id: string | null): Promise<void> {
  expect(id).toBeTruthy();
  const end = Date.now() + 60_000;
  for (;;) {
    const job = await queue.get(REISSUE_JOB, id!);
    if (job?.state === 'completed') return;
    if (job?.state === 'failed' || Date.now() > end) throw new Error(`re-issue job ${job?.state ?? 'missing'}: ${JSON.stringify(job?.output)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const certificates = async (personId: string) =>
  sql<Cert & { hcert: string; reason: string | null; person_id: string }>`
    SELECT id, uvci, status, dose_number AS "doseNumber", series_doses AS "seriesDoses", hcert, reason, person_id FROM certificates WHERE person_id = ${personId} ORDER BY issued_at, id`.execute(t.conn.db).then((r) => r.rows);
const dccOf = (hcert: string) => decodeHcert(hcert).claims!.dcc as unknown as Dcc;
const published = async () => (await call(t, null, 'GET', '/api/trust/list')).json().revocations.batches.map((b: { hashes: string }) => b.hashes).join('');
const revokedHashes = async () => sql<{ hash: string }>`SELECT hash FROM certificate_revocations WHERE hash_type = 'UCI'`.execute(t.conn.db).then((r) => new Set(r.rows.map((x) => x.hash)));

describe('re-issue on correction (pg-boss job)', () => {
  it('a corrected name and birth date: the old certificate is superseded and revoked, the new one carries the correction', async () => {
    const p = await createPerson(t, cookies.national!, BA_DINH, { fullName: 'Nguyễn Thị Lành', birthDate: '1960-03-04' });
    await insertDose(t, p, { ...AZ, day: '2021-06-01', number: 1 });
    await insertDose(t, p, { ...AZ, day: '2021-08-20', number: 2 });
    const old = (await ok<{ issued: Cert[] }>(call(t, cookies.staff!, 'POST', `/api/people/${p}/certificates`, {}))).issued[0]!;
    const version = (await ok<{ version: number }>(call(t, cookies.national!, 'GET', `/api/people/${p}`))).version;
    await ok(call(t, cookies.national!, 'PATCH', `/api/people/${p}`, { version, fullName: 'Nguyễn Thị Lanh', birthDate: '1960-04-03' }));
    const job = sent.find((s) => (s.payload as { personId: string }).personId === p)!;
    expect(job).toMatchObject({ name: REISSUE_JOB, payload: { personId: p, cause: 'person_corrected' } });
    await jobDone(job.id);

    const rows = await certificates(p);
    expect(rows.map((r) => [r.id === old.id, r.status])).toEqual([[true, 'superseded'], [false, 'valid']]);
    expect(rows[0]!.reason).toBe('corrected');
    expect(dccOf(rows[1]!.hcert)).toMatchObject({ nam: { fn: 'Nguyễn', gn: 'Thị Lanh', gnt: 'THI<LANH' }, dob: '1960-04-03', v: [{ dn: 2, sd: 2 }] });
    expect((await revokedHashes()).has(uciHash(old.uvci))).toBe(true);
    expect(await published()).not.toBe('');
    expect(await countRows(t, 'audit_log', sql`action = 'certificate.revoke' AND entity_id = ${old.id}`)).toBe(1);
  });

  it('a phone number change queues nothing; neither does a name change of someone without certificates', async () => {
    const before = sent.length;
    const p = await createPerson(t, cookies.national!, BA_DINH);
    await insertDose(t, p, { ...AZ, day: '2021-06-01', number: 1 });
    const v1 = (await ok<{ version: number }>(call(t, cookies.national!, 'GET', `/api/people/${p}`))).version;
    await ok(call(t, cookies.national!, 'PATCH', `/api/people/${p}`, { version: v1, fullName: 'Phạm Văn Khoa' }));
    await ok(call(t, cookies.national!, 'POST', `/api/people/${p}/certificates`, {}));
    const v2 = (await ok<{ version: number }>(call(t, cookies.national!, 'GET', `/api/people/${p}`))).version;
    await ok(call(t, cookies.national!, 'PATCH', `/api/people/${p}`, { version: v2, phone: '0912345678' }));
    expect(sent.length).toBe(before);
  });

  it('a merge: the merged record\'s certificate is replaced by one of the survivor (its name), the old one revoked', async () => {
    const survivor = await createPerson(t, cookies.national!, BA_DINH, { fullName: 'Lê Văn Bảo', birthDate: '1975-05-05' });
    const merged = await createPerson(t, cookies.national!, BA_DINH, { fullName: 'Le Van Bao', birthDate: '1975-05-05' });
    await insertDose(t, merged, { ...AZ, day: '2021-07-01', number: 1 });
    const old = (await ok<{ issued: Cert[] }>(call(t, cookies.staff!, 'POST', `/api/people/${merged}/certificates`, {}))).issued[0]!;
    const [a, b] = [survivor, merged].sort();
    await sql`DELETE FROM duplicate_candidates WHERE person_a = ${a} AND person_b = ${b}`.execute(t.conn.db);
    const candidate = uuidv7();
    await sql`INSERT INTO duplicate_candidates (id, person_a, person_b, score, reasons, area_path)
              SELECT ${candidate}, ${a}, ${b}, 0.9, ARRAY['name'], area_path FROM people WHERE id = ${survivor}`.execute(t.conn.db);
    await ok(call(t, cookies.national!, 'POST', `/api/duplicates/${candidate}/merge`, { survivorId: survivor }));
    const job = sent.find((s) => (s.payload as { personId: string }).personId === survivor)!;
    expect(job.payload).toEqual({ personId: survivor, cause: 'people_merged' });
    await jobDone(job.id);

    expect((await certificates(merged)).map((r) => [r.id, r.status, r.reason])).toEqual([[old.id, 'superseded', 'person_merged']]);
    const now = await certificates(survivor);
    expect(now.map((r) => r.status)).toEqual(['valid']);
    expect(dccOf(now[0]!.hcert)).toMatchObject({ nam: { fn: 'Lê', gn: 'Văn Bảo' }, v: [{ dn: 1, sd: 2 }] });
    expect((await revokedHashes()).has(uciHash(old.uvci))).toBe(true);
  });

  it('a rejected backfill: the 2/2 certificate that counted it is revoked and replaced by 1/2', async () => {
    const p = await createPerson(t, cookies.national!, BA_DINH);
    const reviewer = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
    const backfill = await ok<{ id: string }>(call(t, cookies.staff!, 'POST', '/api/vaccination/backfills', {
      id: uuidv7(), personId: p, vaccineCode: 'astrazeneca', administeredOn: '2021-06-01', source: 'Sổ tiêm chủng giấy', evidenceNote: 'Ảnh chụp sổ', doseNumber: 1,
    }), 201);
    // The site numbered its dose from the history it saw, the pending backfill included.
    await insertDose(t, p, { ...AZ, day: '2021-08-20', number: 2 });
    const old = (await ok<{ issued: Cert[] }>(call(t, cookies.staff!, 'POST', `/api/people/${p}/certificates`, {}))).issued[0]!;
    expect(old).toMatchObject({ doseNumber: 2, seriesDoses: 2 });
    await ok(call(t, reviewer, 'POST', `/api/vaccination/backfills/${backfill.id}/review`, { decision: 'reject', note: 'Sổ không khớp / record does not match' }));
    const job = sent.find((s) => (s.payload as { personId: string }).personId === p)!;
    expect(job.payload).toEqual({ personId: p, cause: 'dose_rejected' });
    await jobDone(job.id);

    const rows = await certificates(p);
    expect(rows.map((r) => [r.id === old.id, r.status, r.doseNumber, r.seriesDoses])).toEqual([[true, 'superseded', 2, 2], [false, 'valid', 1, 2]]);
    expect((await revokedHashes()).has(uciHash(old.uvci))).toBe(true);
  });
});
