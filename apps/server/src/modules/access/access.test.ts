import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('sign in', () => {
  it('signs in, reports the user, and signs out', async () => {
    const { cookie } = await signInAs(t, [{ role: 'commune_officer', areaCode: '00004' }]);
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().roles[0]).toMatchObject({ code: 'commune_officer', areaCode: '00004', areaName: 'Phường Ba Đình', areaPath: 'VN.01.00004' });
    expect(me.json().scopes).toContain('people:read');
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });
});
