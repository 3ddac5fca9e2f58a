import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';

/** Who may and may not call each access route. */
let t: TestApp;
let admin: string;
let province: string;
let commune: string;
let tracer: string;
let targetUserId: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  province = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
  commune = (await signInAs(t, [{ role: 'commune_officer', areaCode: '00004' }])).cookie;
  tracer = (await signInAs(t, [{ role: 'tracer', areaCode: '01' }])).cookie;
  targetUserId = (await signInAs(t, [{ role: 'commune_officer', areaCode: '00008' }])).userId;
});
afterAll(async () => {
  await t?.close();
});

const newUser = (n: string, role: string, areaCode: string) => ({ username: `made.${n}`, displayName: 'Nguyễn Văn Tạo', password: 'long-enough-password', roles: [{ role, areaCode }] });

describe('access routes: who may call them', () => {
  const routes = [
    { method: 'GET', url: '/api/auth/me' },
    { method: 'POST', url: '/api/auth/password', payload: { currentPassword: 'x', newPassword: 'y' } },
    { method: 'GET', url: '/api/users' },
    { method: 'POST', url: '/api/users', payload: newUser('anon', 'tracer', '01') },
    { method: 'GET', url: '/api/audit' },
    { method: 'GET', url: '/api/roles' },
  ] as const;
  for (const route of routes) {
    it(`${route.method} ${route.url} needs a signed-in user`, async () => {
      const res = await t.app.inject({ method: route.method, url: route.url, ...('payload' in route ? { payload: route.payload } : {}) });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('unauthenticated');
    });
  }

  it('users:manage: an admin lists and creates users; a commune officer and a tracer may not', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/users', headers: { cookie: admin } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/users', headers: { cookie: commune } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: tracer }, payload: newUser('t', 'tracer', '01') })).statusCode).toBe(403);
    const made = await t.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: admin }, payload: newUser('a', 'tracer', '01') });
    expect(made.statusCode).toBe(201);
  });

  it('a province officer manages users only inside the province, and cannot give roles they do not hold', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: province }, payload: newUser('p1', 'commune_officer', '00004') })).statusCode).toBe(201);
    const outside = await t.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: province }, payload: newUser('p2', 'commune_officer', '79') });
    expect(outside.statusCode).toBe(403);
    const stronger = await t.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: province }, payload: newUser('p3', 'tracer', '01') });
    expect(stronger.statusCode).toBe(403);
    expect(stronger.json().detail).toContain('tracing:run');
    const list = await t.app.inject({ method: 'GET', url: '/api/users', headers: { cookie: province } });
    expect(list.json().items.every((u: { roles: string[] }) => u.roles.some((r) => /@(01|0\d{4})$/.test(r)))).toBe(true);
  });

  it('changing roles: only inside the jurisdiction, and not one\'s own', async () => {
    const me = await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }]);
    const self = await t.app.inject({ method: 'PUT', url: `/api/users/${me.userId}/roles`, headers: { cookie: me.cookie }, payload: { roles: [] } });
    expect(self.statusCode).toBe(403);
    const byCommune = await t.app.inject({ method: 'PUT', url: `/api/users/${targetUserId}/roles`, headers: { cookie: commune }, payload: { roles: [] } });
    expect(byCommune.statusCode).toBe(403);
    const hcm = await signInAs(t, [{ role: 'province_officer', areaCode: '79' }]);
    const byOtherProvince = await t.app.inject({ method: 'PUT', url: `/api/users/${targetUserId}/roles`, headers: { cookie: hcm.cookie }, payload: { roles: [] } });
    expect(byOtherProvince.statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'PUT', url: `/api/users/${targetUserId}/roles`, headers: { cookie: province }, payload: { roles: [{ role: 'commune_officer', areaCode: '00004' }] } });
    expect(ok.statusCode).toBe(204);
  });

  it('audit:read: an admin may, a commune officer may not', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/audit', headers: { cookie: admin } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/audit', headers: { cookie: commune } })).statusCode).toBe(403);
  });

  it('refuses hostile user input with 400 and creates nothing', async () => {
    const before = await t.conn.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const bad = [
      { ...newUser('x1', 'tracer', '01'), username: "x'; DROP TABLE users; --" },
      { ...newUser('x2', 'tracer', '01'), password: 'short' },
      { ...newUser('x3', 'no_such_role', '01') },
      { ...newUser('x4', 'tracer', '99999') },
      { ...newUser('x5', 'tracer', '01'), displayName: 'x'.repeat(5000) },
      { ...newUser('x6', 'tracer', '01'), personId: 'not-a-uuid' },
    ];
    for (const body of bad) {
      const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: admin }, payload: body });
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.json().detail).toBeTruthy();
    }
    const after = await t.conn.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('refuses a username that is taken with 409', async () => {
    const first = await t.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: admin }, payload: newUser('dup', 'tracer', '01') });
    expect(first.statusCode).toBe(201);
    const second = await t.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: admin }, payload: newUser('dup', 'tracer', '01') });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('username_taken');
  });
});
