import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, ok } from './vaccination.fixtures';

/**
 * Who may use the allocation plan routes, for which area. The module's rule (store-access.ts): an area or plan
 * outside the actor's vaccination:read jurisdiction answers 404; one they may read but not change, 403; a route
 * whose scope they lack, 403; no session, 401. Nothing is stored by a refused call. Area A is Hà Nội (01), B is
 * Hồ Chí Minh (79); plans split a province's doses among its communes.
 */
let t: TestApp;
const cookies: Record<string, string> = {};
const province = (k: string) => (k === 'A' ? '01' : '79');
const plans: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  const sign = async (key: string, role: string, areaCode: string) => {
    cookies[key] = (await signInAs(t, [{ role, areaCode }])).cookie;
  };
  await sign('national', 'national_admin', 'VN');
  await sign('staffA', 'vaccination_staff', '01'); // writes in Hà Nội
  await sign('officerA', 'province_officer', '01'); // reads in Hà Nội
  await sign('commune', 'vaccination_staff', '00004'); // Ba Đình only: the province is above them
  await sign('hotline', 'hotline_operator', '01');
  // Every commune of both provinces has target populations.
  await sql`UPDATE areas SET population = 20000, population_18_plus = 15000, population_50_plus = 4000 WHERE parent_code IN ('01', '79')`.execute(t.conn.db);
  for (const k of ['A', 'B']) plans[k] = (await ok<{ id: string }>(api(t, cookies.national!, 'POST', '/api/vaccination/allocation-plans', body(k)))).id;
});
afterAll(async () => {
  await t?.close();
});

function body(k: string) {
  return { areaCode: province(k), vaccineCode: 'pfizer', periodFrom: '2030-03-01', periodTo: '2030-03-31', coverageGoalPct: 70 };
}

interface Route {
  name: string;
  method: 'GET' | 'POST';
  /** Acts on an area or plan of province k: jurisdiction applies. */
  scoped: boolean;
  write: boolean;
  url: (k: string) => string | Promise<string>;
  body?: (k: string) => unknown;
}

/** A fresh proposed plan of province k, for each approval attempt. */
async function proposedPlan(k: string): Promise<string> {
  return (await ok<{ id: string }>(api(t, cookies.national!, 'POST', '/api/vaccination/allocation-plans', body(k)))).id;
}

const routes: Route[] = [
  { name: 'propose', method: 'POST', scoped: true, write: false, url: () => '/api/vaccination/allocation-plans/propose', body },
  { name: 'create', method: 'POST', scoped: true, write: true, url: () => '/api/vaccination/allocation-plans', body },
  { name: 'approve', method: 'POST', scoped: true, write: true, url: async (k) => `/api/vaccination/allocation-plans/${await proposedPlan(k)}/approve` },
  { name: 'list', method: 'GET', scoped: false, write: false, url: () => '/api/vaccination/allocation-plans' },
  { name: 'get', method: 'GET', scoped: true, write: false, url: (k) => `/api/vaccination/allocation-plans/${plans[k]}` },
];

async function prepare(who: string | null, r: Route, k = 'A') {
  const url = await r.url(k);
  return () => api(t, who ? cookies[who]! : null, r.method, url, r.body?.(k));
}
const call = async (who: string | null, r: Route, k = 'A') => (await prepare(who, r, k))();
const stored = async () => (await sql<{ n: number; m: number; a: number }>`
  SELECT (SELECT count(*)::int FROM allocation_plans) AS n, (SELECT count(*)::int FROM allocation_plans WHERE status <> 'proposed') AS m,
         (SELECT count(*)::int FROM allocation_plan_lines) AS a`.execute(t.conn.db)).rows[0];

describe('every route', () => {
  it.each(routes)('$name: 401 without a session, nothing stored', async (r) => {
    const send = await prepare(null, r);
    const before = await stored();
    expect((await send()).statusCode).toBe(401);
    expect(await stored()).toEqual(before);
  });

  it.each(routes)('$name: 403 for a role without vaccination scopes, nothing stored', async (r) => {
    const send = await prepare('hotline', r);
    const before = await stored();
    const res = await send();
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
    expect(await stored()).toEqual(before);
  });

  it.each(routes)('$name: the national admin may, in either province', async (r) => {
    for (const k of ['A', 'B']) {
      const res = await call('national', r, k);
      expect(res.statusCode, `${k}: ${res.body}`).toBeLessThan(300);
    }
  });
});

describe('jurisdiction', () => {
  it.each(routes.filter((r) => r.scoped))('$name: province staff of A may act in A', async (r) => {
    const res = await call('staffA', r, 'A');
    expect(res.statusCode, res.body).toBeLessThan(300);
  });

  it.each(routes.filter((r) => r.scoped))('$name: province staff of A get 404 in B (it does not exist for them), nothing stored', async (r) => {
    const send = await prepare('staffA', r, 'B');
    const before = await stored();
    expect((await send()).statusCode).toBe(404);
    expect(await stored()).toEqual(before);
  });

  it.each(routes.filter((r) => r.scoped))('$name: staff of a commune get 404 for their province (above their jurisdiction)', async (r) => {
    const send = await prepare('commune', r, 'A');
    const before = await stored();
    expect((await send()).statusCode).toBe(404);
    expect(await stored()).toEqual(before);
  });

  it.each(routes.filter((r) => !r.write))('$name: a province officer (read only) may read in A', async (r) => {
    expect((await call('officerA', r, 'A')).statusCode).toBeLessThan(300);
  });

  it.each(routes.filter((r) => r.write))('$name: a province officer (read only) may not write in A: 403, nothing stored', async (r) => {
    const send = await prepare('officerA', r, 'A');
    const before = await stored();
    expect((await send()).statusCode).toBe(403);
    expect(await stored()).toEqual(before);
  });

  it('lists only the plans inside the jurisdiction', async () => {
    const ids = async (who: string, query = '') => (await ok<{ items: { id: string; areaCode: string }[] }>(api(t, cookies[who]!, 'GET', `/api/vaccination/allocation-plans${query}`), 200)).items;
    expect((await ids('staffA')).every((p) => p.areaCode === '01')).toBe(true);
    expect((await ids('staffA')).map((p) => p.id)).toContain(plans.A);
    expect((await ids('national')).map((p) => p.id)).toEqual(expect.arrayContaining([plans.A, plans.B]));
    expect(await ids('commune')).toEqual([]);
    expect((await api(t, cookies.staffA!, 'GET', '/api/vaccination/allocation-plans?area=79')).statusCode).toBe(404);
  });
});
