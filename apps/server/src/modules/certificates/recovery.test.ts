import { listSigners } from '@sen/certs/node';
import { verifyHcert, vnDate } from '@sen/certs';
import { sql } from '@sen/db';
import { shiftDay } from '@sen/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_JOBS } from '../../jobs';
import { signInAs } from '../../testing/test-app';
import { BA_DINH, call, countRows, createCertificatesTestApp, createPerson, ok } from './certificates.fixtures';
import { verifyForCheckpoint } from './verify-certificate';

type T = Awaited<ReturnType<typeof createCertificatesTestApp>>;
interface Cert { id: string; uvci: string; kind: string; eventOn: string; expiresAt: string; status: string; doseId: string | null }
interface RecoveryOut { issued: Cert | null; revoked: Cert | null; unchanged: Cert | null }

let t: T;
let national: string;
let lab: string;
const DAY = 86400_000;
const recover = (cookie: string, personId: string, body: unknown) => call(t, cookie, 'POST', `/api/people/${personId}/recovery-certificates`, body);
const hcertOf = async (id: string) => (await t.conn.db.selectFrom('certificates').select('hcert').where('id', '=', id).executeTakeFirstOrThrow()).hcert;

beforeAll(async () => {
  t = await createCertificatesTestApp();
  national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  lab = (await signInAs(t, [{ role: 'lab_staff', areaCode: '01' }])).cookie;
});
afterAll(async () => {
  await t?.close();
});

describe('recovery certificates', () => {
  it('from the first positive test: signed, valid at the checkpoint from day 11 to day 180 (not day 10 or 181), expiring with it', async () => {
    const fr = vnDate(new Date(Date.now() - 5 * DAY));
    const p = await createPerson(t, national, BA_DINH, { fullName: 'Trương Thị Hồng Đào', birthDate: '1979' });
    const out = await ok<RecoveryOut>(recover(lab, p, { firstPositiveOn: fr }), 201);
    expect(out.issued).toMatchObject({ kind: 'recovery', eventOn: fr, status: 'valid', doseId: null });
    expect(out.issued!.expiresAt).toBe(new Date(`${shiftDay(fr, 181)}T00:00:00+07:00`).toISOString());
    const hc1 = await hcertOf(out.issued!.id);
    const r = await verifyHcert(hc1, { trust: listSigners(t.keysDir).map((s) => ({ certificate: s.certificateDer })) });
    expect(r.valid).toBe(true);
    expect(r.payload).toMatchObject({ nam: { fn: 'Trương', fnt: 'TRUONG' }, dob: '1979', r: [{ tg: '840539006', fr, co: 'VN', is: 'Ministry of Health of Viet Nam', df: shiftDay(fr, 11), du: shiftDay(fr, 180), ci: out.issued!.uvci }] });
    const deps = { db: t.conn.db, config: t.config, jobs: NO_JOBS };
    const at = async (n: number) => (await verifyForCheckpoint(deps, hc1, new Date(`${shiftDay(fr, n)}T08:00:00+07:00`))).valid;
    expect([await at(10), await at(11), await at(180), await at(181)]).toEqual([false, true, true, false]);
    expect(await countRows(t, 'audit_log', sql`action = 'certificate.issue' AND entity_id = ${out.issued!.id}`)).toBe(1);
  });

  it('the same facts again change nothing; a corrected country supersedes and revokes the old certificate', async () => {
    const fr = vnDate(new Date(Date.now() - 30 * DAY));
    const p = await createPerson(t, national, BA_DINH);
    const first = (await ok<RecoveryOut>(recover(lab, p, { firstPositiveOn: fr, country: 'LA', issuer: 'Bộ Y tế Lào' }), 201)).issued!;
    const again = await ok<RecoveryOut>(recover(lab, p, { firstPositiveOn: fr, country: 'LA', issuer: 'Bộ Y tế Lào' }), 200);
    expect(again).toMatchObject({ issued: null, revoked: null, unchanged: { id: first.id } });
    const fixed = await ok<RecoveryOut>(recover(lab, p, { firstPositiveOn: fr, country: 'VN' }), 201);
    expect(fixed.revoked).toMatchObject({ id: first.id, status: 'superseded' });
    expect(await countRows(t, 'certificate_revocations', sql`certificate_id = ${first.id}`)).toBe(3);
    expect(await countRows(t, 'certificates', sql`person_id = ${p} AND status = 'valid'`)).toBe(1);
  });

  it('bad input is a 4xx naming the field and stores nothing', async () => {
    const p = await createPerson(t, national, BA_DINH);
    const future = await recover(lab, p, { firstPositiveOn: vnDate(new Date(Date.now() + 2 * DAY)) });
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({ field: 'firstPositiveOn' });
    const notADay = await recover(lab, p, { firstPositiveOn: '2021-02-30' });
    expect(notADay.statusCode).toBe(400);
    expect(notADay.body).toMatch(/firstPositiveOn/);
    const country = await recover(lab, p, { firstPositiveOn: '2021-08-01', country: 'vn' });
    expect(country.statusCode).toBe(400);
    expect(country.body).toMatch(/country/);
    const old = await recover(lab, p, { firstPositiveOn: vnDate(new Date(Date.now() - 200 * DAY)) });
    expect(old.statusCode).toBe(422);
    expect(old.json()).toMatchObject({ code: 'recovery_expired', field: 'firstPositiveOn' });
    expect((await recover(lab, p, { firstPositiveOn: '2021-08-01', extra: true })).statusCode).toBe(400);
    expect(await countRows(t, 'certificates', sql`person_id = ${p}`)).toBe(0);
  });
});
