import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '@sen/db';
import { pointInGeometry, type AreaGeometry } from '@sen/domain';
import { loadConfig, NO_JOBS, type Deps, type RequestContext } from '@sen/server';
import { runTrace } from '../../../../apps/server/src/modules/tracing/run-trace';
import { createTestConnection } from '../../../../apps/server/src/testing/test-db';
import { runDemo } from './index';
import { PROVINCE_BOUNDARIES } from './venue-points';
import { demoVenuesCheckins, seedVenuesCheckins, type VenuesCheckinsSummary } from './venues-checkins';

let conn: Connection;
let deps: Deps;
let first: VenuesCheckinsSummary;

beforeAll(async () => {
  conn = await createTestConnection();
  deps = { db: conn.db, config: loadConfig({ NODE_ENV: 'test' }), jobs: NO_JOBS };
  await runDemo(conn, { people: 3_000, seed: 5, deps, modules: [] });
  first = await seedVenuesCheckins(conn, deps, { seed: 5 });
  console.log(`seedVenuesCheckins: ${first.venues} venues, ${first.checkins} check-ins, ${first.declarations} declarations in ${first.ms} ms on ${conn.kind}`);
}, 240_000);
afterAll(async () => {
  await conn?.close();
});

/** The planted positive and contacts: their visits are placed around the positive's, not at venue hours. */
const planted = () => { const p = first.planted!; return [p.personId, ...p.closeContactIds, ...p.briefContactIds, ...p.nearbyIds]; };
const one = async <T>(text: string, params: unknown[] = []) => (await conn.pool.query(text, params)).rows[0] as T;

describe('seedVenuesCheckins', () => {
  it('makes venues across the demo communes, the demo commune\'s shops run by doanhnghiep', async () => {
    expect(first.created).toBe(true);
    const v = await one<{ n: number; communes: number; business: number; outside: number }>(`
      SELECT count(*)::int AS n, count(DISTINCT commune_code)::int AS communes,
             count(*) FILTER (WHERE u.username = 'doanhnghiep')::int AS business,
             count(*) FILTER (WHERE u.username = 'doanhnghiep' AND NOT EXISTS (
               SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND v.area_path <@ r.area_path))::int AS outside
        FROM venues v JOIN users u ON u.id = v.owner_user_id`);
    expect(v.n).toBe(first.venues);
    expect(v.n).toBeGreaterThanOrEqual(200);
    expect(v.communes).toBeGreaterThan(20);
    expect(v.business).toBe(first.venuesOwnedByBusinessAdmin);
    expect(v.business).toBeGreaterThan(5);
    expect(v.outside).toBe(0);
  });

  it('writes check-ins into the daily partitions, none in the future, at the hours of each kind of venue', async () => {
    const c = await one<{ n: number; in_default: number; future: number; bad_out: number; days: number; market_off_hours: number; school_off_hours: number }>(`
      SELECT count(*)::int AS n,
             count(*) FILTER (WHERE c.tableoid = 'checkins_default'::regclass)::int AS in_default,
             count(*) FILTER (WHERE c.checked_in_at > now() OR c.checked_out_at > now())::int AS future,
             count(*) FILTER (WHERE c.checked_out_at < c.checked_in_at)::int AS bad_out,
             count(DISTINCT sen_vn_day(c.checked_in_at))::int AS days,
             count(*) FILTER (WHERE v.type = 'market' AND extract(hour FROM c.checked_in_at AT TIME ZONE 'Asia/Ho_Chi_Minh') NOT BETWEEN 5 AND 17)::int AS market_off_hours,
             count(*) FILTER (WHERE v.type = 'school' AND extract(hour FROM c.checked_in_at AT TIME ZONE 'Asia/Ho_Chi_Minh') NOT IN (6, 7, 16))::int AS school_off_hours
        FROM checkins c JOIN venues v ON v.id = c.venue_id
       WHERE NOT c.person_id = ANY($1::uuid[])`, [planted()]);
    const all = await one<{ n: number; in_default: number; future: number }>(`SELECT count(*)::int AS n, count(*) FILTER (WHERE tableoid = 'checkins_default'::regclass)::int AS in_default,
      count(*) FILTER (WHERE checked_in_at > now() OR checked_out_at > now())::int AS future FROM checkins`);
    expect(all).toEqual({ n: first.checkins, in_default: 0, future: 0 });
    expect(c.n).toBeGreaterThan(2_000);
    expect(c).toMatchObject({ in_default: 0, future: 0, bad_out: 0, market_off_hours: 0, school_off_hours: 0 });
    expect(c.days).toBeGreaterThanOrEqual(21);
  });

  it('plants a positive whose contacts overlap them as stated, the demo citizen among the close ones', async () => {
    const p = first.planted!;
    expect(p.visits).toHaveLength(8);
    expect(p.closeContactIds).toContain(p.citizenPersonId);
    const overlap = async (ids: string[]) =>
      (await conn.pool.query<{ person_id: string; minutes: number; gap: number }>(`
        SELECT o.person_id,
               max(extract(epoch FROM least(o.checked_out_at, x.checked_out_at) - greatest(o.checked_in_at, x.checked_in_at)) / 60)::float AS minutes,
               min(extract(epoch FROM greatest(x.checked_in_at - o.checked_out_at, o.checked_in_at - x.checked_out_at)) / 60)::float AS gap
          FROM checkins x JOIN checkins o ON o.venue_id = x.venue_id AND o.person_id = ANY($2::uuid[])
         WHERE x.person_id = $1 GROUP BY o.person_id`, [p.personId, ids])).rows;
    const closeRows = await overlap(p.closeContactIds);
    expect(closeRows).toHaveLength(p.closeContactIds.length);
    for (const r of closeRows) expect(r.minutes).toBeGreaterThanOrEqual(10);
    for (const r of await overlap(p.briefContactIds)) expect(r.minutes).toBeGreaterThan(0);
    for (const r of await overlap(p.nearbyIds)) expect(r.gap).toBeLessThanOrEqual(60);
    const venue = await one<{ owner: string }>(`SELECT u.username AS owner FROM venues v JOIN users u ON u.id = v.owner_user_id WHERE v.id = $1`, [first.plantedVenueId]);
    expect(venue.owner).toBe('doanhnghiep');
  });

  it('a trace of the planted positive finds its planted contacts, the close ones as high risk', async () => {
    const p = first.planted!;
    const admin = await one<{ id: string }>(`SELECT id FROM users WHERE username = 'admin'`);
    const ctx: RequestContext = {
      actor: { userId: admin.id, username: 'admin', displayName: 'admin', personId: null, sessionId: 'demo-test', roles: [], grants: new Map([['tracing:run', ['VN']]]) },
      ip: null, requestId: null,
    };
    const found = async (rule?: { kind: 'overlap'; minMinutes: number; highRiskMinutes: number }) => {
      const run = await runTrace(deps, ctx, { personId: p.personId, days: 14, reason: 'Kiểm thử dữ liệu mẫu', ...(rule ? { rule } : {}) });
      expect(run.visits.map((v) => v.checkinId).length).toBe(p.visits.length);
      const rows = (await conn.pool.query<{ person_id: string; risk: string }>('SELECT person_id, risk FROM trace_candidates WHERE run_id = $1', [run.id])).rows;
      return new Map(rows.map((r) => [r.person_id, r.risk]));
    };
    // PC-COVID's rule (within 60 minutes): every planted contact; those who shared 10 minutes or more are high risk.
    const window = await found();
    for (const id of [...p.closeContactIds, ...p.briefContactIds, ...p.nearbyIds]) expect(window.has(id), id).toBe(true);
    for (const id of p.closeContactIds) expect(window.get(id), id).toBe('high');
    expect(window.get(p.citizenPersonId!)).toBe('high');
    // Ten minutes of overlap: the close contacts, not those who left before the positive came.
    const overlap = await found({ kind: 'overlap', minMinutes: 10, highRiskMinutes: 10 });
    for (const id of p.closeContactIds) expect(overlap.has(id), id).toBe(true);
    for (const id of p.nearbyIds) expect(overlap.has(id), id).toBe(false);
  });

  it('places every venue inside its province on the map (2025 boundaries)', async () => {
    const features = (JSON.parse(fs.readFileSync(PROVINCE_BOUNDARIES, 'utf8')) as { features: { properties: { code: string }; geometry: AreaGeometry }[] }).features;
    const provinces = new Map(features.map((f) => [f.properties.code, f.geometry]));
    const venues = (await conn.pool.query<{ province: string; latitude: number | null; longitude: number | null }>(
      `SELECT subpath(area_path, 1, 1)::text AS province, latitude, longitude FROM venues`)).rows;
    expect(venues).toHaveLength(first.venues);
    for (const v of venues) {
      expect(v.latitude, v.province).not.toBeNull();
      expect(pointInGeometry([v.longitude!, v.latitude!], provinces.get(v.province)!), `${v.province} ${v.latitude},${v.longitude}`).toBe(true);
    }
    // Not all on one spot: the communes of a province are spread over it.
    expect(new Set(venues.map((v) => `${v.latitude!.toFixed(2)},${v.longitude!.toFixed(2)}`)).size).toBeGreaterThan(30);
  });

  it('declarations raise alerts exactly when they warn', async () => {
    const d = await one<{ n: number; warned: number; alerts: number; mismatched: number; positive: number }>(`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE cardinality(d.warnings) > 0)::int AS warned, count(a.id)::int AS alerts,
             count(*) FILTER (WHERE (cardinality(d.warnings) > 0) <> (a.id IS NOT NULL) OR a.area_path <> d.area_path)::int AS mismatched,
             count(*) FILTER (WHERE d.person_id = $1 AND 'warning_symptoms' = ANY(d.warnings))::int AS positive
        FROM health_declarations d LEFT JOIN declaration_alerts a ON a.declaration_id = d.id`, [first.planted!.personId]);
    expect(d.n).toBe(first.declarations);
    expect(d.alerts).toBe(first.alerts);
    expect(d.warned).toBe(d.alerts);
    expect(d.mismatched).toBe(0);
    expect(d.positive).toBe(1);
    expect(d.warned).toBeLessThan(d.n);
  });

  it('a second run adds nothing', async () => {
    const before = await one<{ v: number; c: number }>('SELECT (SELECT count(*) FROM venues)::int AS v, (SELECT count(*) FROM checkins)::int AS c');
    const again = await seedVenuesCheckins(conn, deps, { seed: 5 });
    expect(again.created).toBe(false);
    expect(again.planted!.personId).toBe(first.planted!.personId);
    expect((await demoVenuesCheckins(conn))!.plantedVenueId).toBe(first.plantedVenueId);
    expect(await one('SELECT (SELECT count(*) FROM venues)::int AS v, (SELECT count(*) FROM checkins)::int AS c')).toEqual(before);
  });
});
