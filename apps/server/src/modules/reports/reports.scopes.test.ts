import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, BA_DINH, NGOC_HA, ok } from '../vaccination/vaccination.fixtures';
import { makePlace, newPerson, uuid, type Place } from '../vaccination/workflow.fixtures';

/**
 * Who may read each report (reports/routes.ts). Reports need reports:read and cover the caller's jurisdiction; an
 * area outside it answers 404. Lot traceability names people, so it needs people:read and vaccination:read and
 * shows only the doses of both jurisdictions. No session: 401. Reports write nothing but audit rows.
 */
let t: TestApp;
const cookies: Record<string, string> = {};
const places: Record<string, Place> = {};
const commune = (k: string) => (k === 'A' ? BA_DINH : NGOC_HA);

beforeAll(async () => {
  t = await createTestApp();
  const sign = async (key: string, role: string, areaCode: string) => {
    cookies[key] = (await signInAs(t, [{ role, areaCode }])).cookie;
  };
  await sign('national', 'national_admin', 'VN');
  await sign('officerA', 'commune_officer', BA_DINH); // reports:read, people:read and vaccination:read in Ba Đình
  await sign('province', 'province_officer', '01');
  await sign('staffA', 'vaccination_staff', BA_DINH); // no reports:read; people:read and vaccination:read in Ba Đình
  await sign('staffB', 'vaccination_staff', NGOC_HA);
  await sign('tracer', 'tracer', '01'); // people:read only
  // A dose from the same lot in each commune, so every report has something to show.
  for (const k of ['A', 'B']) places[k] = await makePlace(t, cookies.national!, cookies.national!, commune(k));
  await ok(api(t, cookies.national!, 'POST', `/api/vaccination/stores/${places.B!.storeId}/receive`, { lotId: places.A!.lots.pfizer, doses: 100 }));
  for (const k of ['A', 'B']) {
    await ok(api(t, cookies.national!, 'POST', '/api/vaccination/doses', { id: uuid(), personId: await newPerson(t, cookies.national!, commune(k)), sessionId: places[k]!.sessionId, lotId: places.A!.lots.pfizer }));
  }
}, 180_000);
afterAll(async () => {
  await t?.close();
});

interface Route {
  name: string;
  url: string;
  /** Takes ?area= (jurisdiction is checked against it). */
  areaFilter: boolean;
}
const routes: Route[] = [
  { name: 'dashboard', url: '/api/reports/dashboard', areaFilter: true },
  { name: 'doses', url: '/api/reports/doses?by=day&split=site', areaFilter: true },
  { name: 'coverage', url: '/api/reports/coverage', areaFilter: true },
  { name: 'screenings', url: '/api/reports/screenings', areaFilter: true },
  { name: 'adverse events', url: '/api/reports/adverse-events', areaFilter: true },
  { name: 'serious adverse events', url: '/api/reports/adverse-events/serious', areaFilter: true },
  { name: 'attendance', url: '/api/reports/attendance', areaFilter: true },
  { name: 'stock', url: '/api/reports/stock', areaFilter: true },
];
const lotDoses = () => `/api/reports/lots/${places.A!.lots.pfizer}/doses`;
const lotExport = () => `/api/reports/lots/${places.A!.lots.pfizer}/doses/export`;
const withArea = (url: string, area: string) => `${url}${url.includes('?') ? '&' : '?'}area=${area}`;
const get = (who: string | null, url: string) => api(t, who ? cookies[who]! : null, 'GET', url);
const records = async () => (await sql<{ n: string }>`
  SELECT (SELECT count(*) FROM doses) || '/' || (SELECT count(*) FROM adverse_events) || '/' || (SELECT count(*) FROM stock_events) AS n`.execute(t.conn.db)).rows[0]!.n;

describe('every report', () => {
  it.each(routes)('$name: 401 without a session', async (r) => {
    expect((await get(null, r.url)).statusCode).toBe(401);
  });

  it.each(routes)('$name: 403 for a role without reports:read (site staff), nothing stored', async (r) => {
    const before = await records();
    const res = await get('staffA', r.url);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
    expect(await records()).toBe(before);
  });

  it.each(routes)('$name: a commune officer reads their commune, a province officer their province, the national admin any', async (r) => {
    for (const [who, area] of [['officerA', BA_DINH], ['province', '01'], ['province', NGOC_HA], ['national', '79']] as const) {
      const res = await get(who, withArea(r.url, area));
      expect(res.statusCode, `${who} ${area}: ${res.body}`).toBe(200);
    }
    expect((await get('officerA', r.url)).statusCode).toBe(200);
  });

  it.each(routes.filter((r) => r.areaFilter))('$name: an area outside the jurisdiction answers 404', async (r) => {
    for (const [who, area] of [['officerA', NGOC_HA], ['officerA', '01'], ['province', '79'], ['province', '25747']] as const) {
      const res = await get(who, withArea(r.url, area));
      expect(res.statusCode, `${who} ${area}`).toBe(404);
    }
  });
});

describe('lot traceability (names people)', () => {
  it('401 without a session; 403 without people:read and vaccination:read both', async () => {
    expect((await get(null, lotDoses())).statusCode).toBe(401);
    expect((await get('tracer', lotDoses())).statusCode).toBe(403);
  });

  it('shows each reader only the doses given in their jurisdiction', async () => {
    const ids = async (who: string) => (await ok<{ rows: { doseId: string }[] }>(get(who, lotDoses()), 200)).rows.map((r) => r.doseId);
    const doses = (await sql<{ id: string; code: string }>`SELECT d.id, a.code FROM doses d JOIN areas a ON a.path = d.area_path WHERE d.lot_id = ${places.A!.lots.pfizer}`.execute(t.conn.db)).rows;
    expect(doses).toHaveLength(2);
    expect((await ids('national')).sort()).toEqual(doses.map((d) => d.id).sort());
    expect(await ids('staffA')).toEqual(doses.filter((d) => d.code === BA_DINH).map((d) => d.id));
    expect(await ids('staffB')).toEqual(doses.filter((d) => d.code === NGOC_HA).map((d) => d.id));
    expect(await ids('officerA')).toEqual(doses.filter((d) => d.code === BA_DINH).map((d) => d.id));
  });

  it('the full CSV export: 401 without a session, 403 without both scopes (nothing audited), each reader their jurisdiction', async () => {
    const exports = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'lot.export_people'`.execute(t.conn.db)).rows[0]!.n;
    const before = await exports();
    expect((await get(null, lotExport())).statusCode).toBe(401);
    const refused = await get('tracer', lotExport());
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('forbidden');
    expect(await exports()).toBe(before);
    const ids = async (who: string) => {
      const res = await get(who, lotExport());
      expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
      return res.body.split('\r\n').slice(1, -1).map((line) => line.split(',')[0]);
    };
    const doses = (await sql<{ id: string; code: string }>`SELECT d.id, a.code FROM doses d JOIN areas a ON a.path = d.area_path WHERE d.lot_id = ${places.A!.lots.pfizer} ORDER BY d.id`.execute(t.conn.db)).rows;
    expect(await ids('national')).toEqual(doses.map((d) => d.id));
    expect(await ids('staffA')).toEqual(doses.filter((d) => d.code === BA_DINH).map((d) => d.id));
    expect(await ids('staffB')).toEqual(doses.filter((d) => d.code === NGOC_HA).map((d) => d.id));
    expect(await exports()).toBe(before + 3);
  });
});
