import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { AZ, BA_DINH, call, createPerson, insertDose } from './certificates.fixtures';

/** A server whose keys directory is empty: certificate work answers 503 naming the command to run, nothing is stored. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SEN_KEYS_DIR: mkdtempSync(path.join(os.tmpdir(), 'sen-nokeys-')) } });
});
afterAll(async () => {
  await t?.close();
});

describe('without signing keys', () => {
  it('trust endpoints and issuance answer 503 with the fix, and write nothing', async () => {
    for (const url of ['/api/trust/list', '/api/trust/revocations', '/api/trust/root']) {
      const res = await call(t, null, 'GET', url);
      expect(res.statusCode).toBe(503);
      expect(res.json().detail).toMatch(/sen keys/);
    }
    const admin = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
    const p = await createPerson(t, admin, BA_DINH);
    await insertDose(t, p, { ...AZ, day: '2021-07-01', number: 1 });
    const res = await call(t, admin, 'POST', `/api/people/${p}/certificates`, {});
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('signer_missing');
    expect(await t.conn.db.selectFrom('certificates').select('id').execute()).toEqual([]);
    expect(await t.conn.db.selectFrom('trust_list_versions').select('version').execute()).toEqual([]);
  });
});
