import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { recordAudit } from './record-audit';
import { SYSTEM_CONTEXT } from '../../context';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('audit log', () => {
  it('is append-only: updates, deletes and truncation are refused', async () => {
    await recordAudit(t.conn.db, SYSTEM_CONTEXT, { action: 'test.event', entityType: 'test', entityId: '1' });
    await expect(sql`UPDATE audit_log SET action = 'changed'`.execute(t.conn.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(t.conn.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(t.conn.db)).rejects.toThrow(/append-only/);
    const n = await t.conn.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).where('action', '=', 'test.event').executeTakeFirstOrThrow();
    expect(n.n).toBe(1);
  });

  it('stores events in monthly partitions, made ahead of time', async () => {
    const { rows } = await sql<{ part: string }>`SELECT tableoid::regclass::text AS part FROM audit_log WHERE action = 'test.event'`.execute(t.conn.db);
    const now = new Date();
    expect(rows[0]!.part).toBe(`audit_log_y${now.getUTCFullYear()}m${String(now.getUTCMonth() + 1).padStart(2, '0')}`);
    const parts = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'audit_log'::regclass`.execute(t.conn.db);
    expect(parts.rows[0]!.n).toBeGreaterThanOrEqual(5); // default + last month + this month + 3 ahead
    const created = await sql<{ n: number }>`SELECT sen_audit_ensure_partitions(6) AS n`.execute(t.conn.db);
    expect(created.rows[0]!.n).toBe(3);
  });

  it('records who signed in, from where, with the request id', async () => {
    const { userId } = await signInAs(t, [{ role: 'tracer', areaCode: '01' }]);
    const row = await t.conn.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.login').where('entity_id', '=', userId).executeTakeFirstOrThrow();
    expect(row.ip).toBeTruthy();
    expect(row.request_id).toBeTruthy();
  });

  it('lets an admin query it, filtered, and audits the query itself', async () => {
    const admin = await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }]);
    const res = await t.app.inject({ method: 'GET', url: '/api/audit?action=user.login&limit=5', headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { action: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.action === 'user.login')).toBe(true);
    const queried = await t.conn.db.selectFrom('audit_log').select('actor_user_id').where('action', '=', 'audit.query').execute();
    expect(queried.map((q) => q.actor_user_id)).toContain(admin.userId);
  });

  it('shows a province administrator only the events of their province, and their own', async () => {
    const hanoi = await signInAs(t, [{ role: 'province_officer', areaCode: '01' }]);
    await recordAudit(t.conn.db, SYSTEM_CONTEXT, { action: 'test.area', entityType: 'test', entityId: 'hn', areaPath: 'VN.01.00004' });
    await recordAudit(t.conn.db, SYSTEM_CONTEXT, { action: 'test.area', entityType: 'test', entityId: 'hcm', areaPath: 'VN.79' });
    const res = await t.app.inject({ method: 'GET', url: '/api/audit?action=test.area', headers: { cookie: hanoi.cookie } });
    expect(res.json().items.map((i: { entityId: string }) => i.entityId)).toEqual(['hn']);
  });

  it('refuses bad filters with 400', async () => {
    const admin = await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }]);
    for (const q of ['limit=0', 'limit=100000', 'from=yesterday', `action=${'x'.repeat(500)}`]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/audit?${q}`, headers: { cookie: admin.cookie } });
      expect(res.statusCode, q).toBe(400);
    }
  });
});
