import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { createTestApp, cookieFrom, signInAs, TEST_PASSWORD, type TestApp } from '../../testing/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });

describe('sessions', () => {
  it('refuses a wrong password and an unknown user alike, and audits the failure', async () => {
    const { username } = await signInAs(t, [{ role: 'tracer', areaCode: '01' }]);
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'not-the-password' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'no.such.user', password: 'not-the-password' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
    const failures = await t.conn.db.selectFrom('audit_log').select('action').where('action', '=', 'user.login_failed').execute();
    expect(failures.length).toBeGreaterThanOrEqual(2);
  });

  it('slides the expiry forward on use', async () => {
    const { cookie, userId } = await signInAs(t, [{ role: 'tracer', areaCode: '01' }]);
    await t.conn.db.updateTable('sessions').set({ last_seen_at: sql`now() - interval '2 hours'`, expires_at: sql`now() + interval '5 minutes'` }).where('user_id', '=', userId).execute();
    expect((await me(cookie)).statusCode).toBe(200);
    const s = await t.conn.db.selectFrom('sessions').select(sql<number>`extract(epoch from expires_at - now())`.as('left')).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(Number(s.left)).toBeGreaterThan(t.config.SEN_SESSION_HOURS * 3600 - 120);
  });

  it('refuses an expired session', async () => {
    const { cookie, userId } = await signInAs(t, [{ role: 'tracer', areaCode: '01' }]);
    await t.conn.db.updateTable('sessions').set({ expires_at: sql`now() - interval '1 second'` }).where('user_id', '=', userId).execute();
    expect((await me(cookie)).statusCode).toBe(401);
  });

  it('revokes the other sessions when the password changes, and keeps this one', async () => {
    const { cookie, username } = await signInAs(t, [{ role: 'tracer', areaCode: '01' }]);
    const other = cookieFrom(await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } }));
    const weak = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie }, payload: { currentPassword: TEST_PASSWORD, newPassword: 'short' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().code).toBe('weak_password');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie }, payload: { currentPassword: 'wrong-password', newPassword: 'a-new-long-password' } });
    expect(wrong.statusCode).toBe(400);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie }, payload: { currentPassword: TEST_PASSWORD, newPassword: 'a-new-long-password' } });
    expect(res.statusCode).toBe(204);
    expect((await me(cookie)).statusCode).toBe(200);
    expect((await me(other)).statusCode).toBe(401);
    const relogin = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'a-new-long-password' } });
    expect(relogin.statusCode).toBe(200);
  });

  it('revokes every session of a user whose roles change, and the new roles apply at the next sign-in', async () => {
    const admin = await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }]);
    const user = await signInAs(t, [{ role: 'commune_officer', areaCode: '00004' }]);
    const res = await t.app.inject({ method: 'PUT', url: `/api/users/${user.userId}/roles`, headers: { cookie: admin.cookie }, payload: { roles: [{ role: 'tracer', areaCode: '01' }] } });
    expect(res.statusCode).toBe(204);
    expect((await me(user.cookie)).statusCode).toBe(401);
    const again = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: TEST_PASSWORD } });
    expect(again.json().roles.map((r: { code: string }) => r.code)).toEqual(['tracer']);
  });

  it('limits login attempts per address and username', async () => {
    const limited = await createTestApp({ env: { SEN_LOGIN_ATTEMPTS_PER_15_MIN: '3' } });
    try {
      const codes = [];
      for (let i = 0; i < 5; i++) {
        codes.push((await limited.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'guess', password: `guess-${i}` } })).statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const other = await limited.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'someone-else', password: 'x' } });
      expect(other.statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });

  // The request hook keeps a session it resolved for a few seconds: each of these uses the cookie first, so the
  // session is in memory when it ends, and the next request must still be refused.
  it('refuses a session at once after sign-out, even one used a moment before', async () => {
    const { cookie } = await signInAs(t, [{ role: 'tracer', areaCode: '01' }]);
    expect((await me(cookie)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })).statusCode).toBe(204);
    expect((await me(cookie)).statusCode).toBe(401);
  });

  it('refuses the sessions of a user whose roles change at once, even ones used a moment before', async () => {
    const admin = await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }]);
    const user = await signInAs(t, [{ role: 'vaccination_staff', areaCode: '01' }]);
    expect((await me(user.cookie)).json().roles.map((r: { code: string }) => r.code)).toEqual(['vaccination_staff']);
    const res = await t.app.inject({ method: 'PUT', url: `/api/users/${user.userId}/roles`, headers: { cookie: admin.cookie }, payload: { roles: [{ role: 'tracer', areaCode: '01' }] } });
    expect(res.statusCode).toBe(204);
    expect((await me(user.cookie)).statusCode).toBe(401);
  });

  it('refuses the other sessions at once when the password changes, even ones used a moment before', async () => {
    const { cookie, username } = await signInAs(t, [{ role: 'tracer', areaCode: '01' }]);
    const other = cookieFrom(await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } }));
    expect((await me(other)).statusCode).toBe(200);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie }, payload: { currentPassword: TEST_PASSWORD, newPassword: 'another-long-password' } });
    expect(res.statusCode).toBe(204);
    expect((await me(other)).statusCode).toBe(401);
    expect((await me(cookie)).statusCode).toBe(200);
  });
});
