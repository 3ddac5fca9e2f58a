import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '@sen/db';
import { loadConfig, NO_JOBS, type Deps } from '@sen/server';
import { createTestConnection } from '../../../../apps/server/src/testing/test-db';
import { runDemo } from './index';
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
