import { defaultRuleSet, vnDate } from '@sen/certs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs } from '../../testing/test-app';
import { BA_DINH, call, createCertificatesTestApp, createPerson } from './certificates.fixtures';

/**
 * Who may use the certificate routes added after the first version (the older ones are covered in
 * certificates.test.ts): an allowed and a refused case each, by role scope and by area.
 */
type T = Awaited<ReturnType<typeof createCertificatesTestApp>>;
let t: T;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  t = await createCertificatesTestApp();
  const sign = async (key: string, role: string, areaCode: string) => {
    cookies[key] = (await signInAs(t, [{ role, areaCode }])).cookie;
  };
  await sign('national', 'national_admin', 'VN');
  await sign('province', 'province_officer', '01');
  await sign('staffA', 'vaccination_staff', BA_DINH);
  await sign('lab', 'lab_staff', '01');
  await sign('labHcm', 'lab_staff', '79');
});
afterAll(async () => {
  await t?.close();
});

describe('POST /api/trust/rule-sets (national administrator only)', () => {
  const body = (version: string, days: number) => ({ ...defaultRuleSet(), version, validFrom: vnDate(new Date(Date.now() + days * 86400_000)) });
  it('the national administrator may add a version', async () => {
    expect((await call(t, cookies.national!, 'POST', '/api/trust/rule-sets', body('scope.1', 10))).statusCode).toBe(201);
  });
  it('vaccination staff of a commune hold vaccination:write but not at the country level: 403', async () => {
    const res = await call(t, cookies.staffA!, 'POST', '/api/trust/rule-sets', body('scope.2', 11));
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ level: 'national' });
  });
  it('a province officer lacks the scope: 403; no session: 401; the list is public', async () => {
    expect((await call(t, cookies.province!, 'POST', '/api/trust/rule-sets', body('scope.3', 12))).statusCode).toBe(403);
    expect((await call(t, null, 'POST', '/api/trust/rule-sets', body('scope.4', 13))).statusCode).toBe(401);
    expect((await call(t, null, 'GET', '/api/trust/rule-sets')).statusCode).toBe(200);
  });
});

describe('POST /api/people/:personId/recovery-certificates (testing:write over the person)', () => {
  const body = { firstPositiveOn: vnDate(new Date(Date.now() - 20 * 86400_000)) };
  it('lab staff of the province may issue', async () => {
    const p = await createPerson(t, cookies.national!, BA_DINH);
    expect((await call(t, cookies.lab!, 'POST', `/api/people/${p}/recovery-certificates`, body)).statusCode).toBe(201);
  });
  it('lab staff of another province: 403; vaccination staff lack testing:write: 403', async () => {
    const p = await createPerson(t, cookies.national!, BA_DINH);
    expect((await call(t, cookies.labHcm!, 'POST', `/api/people/${p}/recovery-certificates`, body)).statusCode).toBe(403);
    expect((await call(t, cookies.staffA!, 'POST', `/api/people/${p}/recovery-certificates`, body)).statusCode).toBe(403);
    expect((await call(t, null, 'POST', `/api/people/${p}/recovery-certificates`, body)).statusCode).toBe(401);
  });
});
