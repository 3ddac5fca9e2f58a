import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, BA_DINH, NGOC_HA, ok } from './vaccination.fixtures';
import { backfillBody, local, makePlace, newPerson, tableCounts, uuid, type Place } from './workflow.fixtures';

/**
 * Who may use which route of the site workflow. The module's rule: a session, site, dose or event outside the
 * actor's vaccination:read jurisdiction answers 404 (as one that does not exist); one they may read but not change
 * answers 403; a route whose scope they lack answers 403; no session, 401. Nothing is stored by a refused call.
 */
let t: TestApp;
const cookies: Record<string, string> = {};
const places: Record<string, Place> = {};
const commune = (k: string) => (k === 'A' ? BA_DINH : NGOC_HA);

beforeAll(async () => {
  t = await createTestApp();
  const sign = async (key: string, roles: { role: string; areaCode: string }[]) => {
    cookies[key] = (await signInAs(t, roles)).cookie;
  };
  await sign('national', [{ role: 'national_admin', areaCode: 'VN' }]);
  await sign('recorder', [{ role: 'national_admin', areaCode: 'VN' }]);
  await sign('staffA', [{ role: 'vaccination_staff', areaCode: BA_DINH }]);
  await sign('province', [{ role: 'province_officer', areaCode: '01' }]);
  await sign('hotline', [{ role: 'hotline_operator', areaCode: '01' }]);
  // Writes in Ngọc Hà, reads (only) in Ba Đình.
  await sign('mixed', [{ role: 'vaccination_staff', areaCode: NGOC_HA }, { role: 'commune_officer', areaCode: BA_DINH }]);
  for (const k of ['A', 'B']) places[k] = await makePlace(t, cookies.national!, cookies.national!, commune(k));
}, 180_000);
afterAll(async () => {
  await t?.close();
});

type Method = 'GET' | 'POST';
interface Prepared { url: string; body?: unknown }
interface Route {
  name: string;
  method: Method;
  /** Acts on a record of commune k: jurisdiction applies. */
  scoped: boolean;
  write: boolean;
  make: (k: string) => Prepared | Promise<Prepared>;
}

const call = (who: string | null, method: Method, url: string, body?: unknown) => api(t, who ? cookies[who]! : null, method, url, body);
const person = (k: string) => newPerson(t, cookies.national!, commune(k));
let dayOffset = 0;
async function plannedSession(k: string): Promise<string> {
  dayOffset += 1;
  const start = new Date(Date.now() + dayOffset * 86_400_000);
  return (await ok<{ id: string }>(call('national', 'POST', '/api/vaccination/sessions', {
    siteId: places[k]!.siteId, startsAt: local(start), endsAt: local(new Date(start.getTime() + 3_600_000)), vaccines: ['pfizer'], capacity: 10,
  }))).id;
}
async function givenDose(k: string): Promise<string> {
  const body = { id: uuid(), personId: await person(k), sessionId: places[k]!.sessionId, lotId: places[k]!.lots.janssen };
  return (await ok<{ id: string }>(call('national', 'POST', '/api/vaccination/doses', body))).id;
}
const eventBody = (doseId: string) => ({ id: uuid(), doseId, onsetAt: new Date().toISOString(), symptoms: ['fever'], serious: false, severity: 'mild', outcome: 'recovered' });

const routes: Route[] = [
  { name: 'create session', method: 'POST', scoped: true, write: true, make: (k) => ({ url: '/api/vaccination/sessions', body: { siteId: places[k]!.siteId, startsAt: local(new Date(Date.now() + 3_600_000)), endsAt: local(new Date(Date.now() + 7_200_000)), vaccines: ['pfizer'], capacity: 5 } }) },
  { name: 'list sessions', method: 'GET', scoped: false, write: false, make: () => ({ url: '/api/vaccination/sessions' }) },
  { name: 'get session', method: 'GET', scoped: true, write: false, make: (k) => ({ url: `/api/vaccination/sessions/${places[k]!.sessionId}` }) },
  { name: 'open session', method: 'POST', scoped: true, write: true, make: async (k) => ({ url: `/api/vaccination/sessions/${await plannedSession(k)}/open` }) },
  {
    name: 'close session', method: 'POST', scoped: true, write: true,
    make: async (k) => {
      const id = await plannedSession(k);
      await ok(call('national', 'POST', `/api/vaccination/sessions/${id}/open`), 200);
      return { url: `/api/vaccination/sessions/${id}/close` };
    },
  },
  { name: 'cancel session', method: 'POST', scoped: true, write: true, make: async (k) => ({ url: `/api/vaccination/sessions/${await plannedSession(k)}/cancel`, body: { reason: 'Mưa bão' } }) },
  { name: 'check in', method: 'POST', scoped: true, write: true, make: async (k) => ({ url: `/api/vaccination/sessions/${places[k]!.sessionId}/arrivals`, body: { id: uuid(), personId: await person(k) } }) },
  { name: 'list arrivals', method: 'GET', scoped: true, write: false, make: (k) => ({ url: `/api/vaccination/sessions/${places[k]!.sessionId}/arrivals` }) },
  {
    name: 'screen', method: 'POST', scoped: true, write: true,
    make: async (k) => ({ url: '/api/vaccination/screenings', body: { id: uuid(), personId: await person(k), sessionId: places[k]!.sessionId, vitals: { temperatureC: 36.6 } } }),
  },
  {
    name: 'record dose', method: 'POST', scoped: true, write: true,
    make: async (k) => ({ url: '/api/vaccination/doses', body: { id: uuid(), personId: await person(k), sessionId: places[k]!.sessionId, lotId: places[k]!.lots.janssen } }),
  },
  { name: 'observation board', method: 'GET', scoped: true, write: false, make: (k) => ({ url: `/api/vaccination/observation?sessionId=${places[k]!.sessionId}` }) },
  { name: 'sign off observation', method: 'POST', scoped: true, write: true, make: async (k) => ({ url: `/api/vaccination/doses/${await givenDose(k)}/observation`, body: { outcome: 'no_reaction' } }) },
  { name: 'record adverse event', method: 'POST', scoped: true, write: true, make: async (k) => ({ url: '/api/vaccination/adverse-events', body: eventBody(await givenDose(k)) }) },
  { name: 'list adverse events', method: 'GET', scoped: false, write: false, make: () => ({ url: '/api/vaccination/adverse-events' }) },
  {
    name: 'set causality', method: 'POST', scoped: true, write: true,
    make: async (k) => {
      const ev = await ok<{ id: string }>(call('national', 'POST', '/api/vaccination/adverse-events', eventBody(await givenDose(k))));
      return { url: `/api/vaccination/adverse-events/${ev.id}/causality`, body: { causality: 'C' } };
    },
  },
  { name: 'record backfill', method: 'POST', scoped: true, write: true, make: async (k) => ({ url: '/api/vaccination/backfills', body: backfillBody(await person(k), 'pfizer', 30) }) },
  { name: 'list unverified', method: 'GET', scoped: false, write: false, make: () => ({ url: '/api/vaccination/backfills/unverified' }) },
  {
    name: 'review backfill', method: 'POST', scoped: true, write: true,
    make: async (k) => {
      const d = await ok<{ id: string }>(call('recorder', 'POST', '/api/vaccination/backfills', backfillBody(await person(k), 'pfizer', 30)));
      return { url: `/api/vaccination/backfills/${d.id}/review`, body: { decision: 'confirm' } };
    },
  },
  { name: 'history', method: 'GET', scoped: true, write: false, make: async (k) => ({ url: `/api/vaccination/people/${await person(k)}/history` }) },
];
const sync: Route = {
  name: 'sync', method: 'POST', scoped: false, write: true,
  make: async (k) => ({ url: '/api/vaccination/sync', body: { doses: [{ id: uuid(), personId: await person(k), sessionId: places[k]!.sessionId, lotId: places[k]!.lots.janssen }] } }),
};

async function prepare(who: string | null, r: Route, k = 'A') {
  const p = await r.make(k);
  return () => call(who, r.method, p.url, p.body);
}
const send = async (who: string | null, r: Route, k = 'A') => (await prepare(who, r, k))();
const auditCount = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(t.conn.db)).rows[0]!.n;
const rows = async () => [...(await tableCounts(t)), await auditCount()];
// Reads are audited (health data), so only the tables are compared for refused reads.
const stored = async (r: Route) => (r.write ? rows() : tableCounts(t));

describe('every route', () => {
  it.each([...routes, sync])('$name: 401 without a session, nothing stored', async (r) => {
    const go = await prepare(null, r);
    const before = await rows();
    const res = await go();
    expect(res.statusCode).toBe(401);
    expect(await rows()).toEqual(before);
  });

  it.each([...routes, sync])('$name: 403 for a role without vaccination scopes, nothing stored', async (r) => {
    const go = await prepare('hotline', r);
    const before = await rows();
    expect((await go()).statusCode).toBe(403);
    expect(await rows()).toEqual(before);
  });

  it.each([...routes, sync])('$name: the national admin may, in either commune', async (r) => {
    for (const k of ['A', 'B']) {
      const res = await send('national', r, k);
      expect(res.statusCode, `${k}: ${res.body}`).toBeLessThan(300);
    }
  });
});

describe('jurisdiction', () => {
  it.each(routes.filter((r) => r.scoped))('$name: staff of 00004 may act in 00004', async (r) => {
    const res = await send('staffA', r, 'A');
    expect(res.statusCode, res.body).toBeLessThan(300);
  });

  it.each(routes.filter((r) => r.scoped))('$name: staff of 00004 get 404 in 00008 (its sites do not exist for them), nothing stored', async (r) => {
    const go = await prepare('staffA', r, 'B');
    const before = await stored(r);
    const res = await go();
    expect(res.statusCode, res.body).toBe(404);
    expect(await stored(r)).toEqual(before);
  });

  it.each(routes.filter((r) => r.scoped && r.write))('$name: writing where one may only read is 403, nothing stored', async (r) => {
    const go = await prepare('mixed', r, 'A');
    const before = await rows();
    const res = await go();
    expect(res.statusCode, res.body).toBe(403);
    expect(await rows()).toEqual(before);
  });

  it.each(routes.filter((r) => !r.write))('$name: a province officer (read only) may read in either commune', async (r) => {
    for (const k of ['A', 'B']) expect((await send('province', r, k)).statusCode).toBeLessThan(300);
  });

  it.each([...routes.filter((r) => r.write), sync])('$name: a province officer (read only) may not write: 403, nothing stored', async (r) => {
    const go = await prepare('province', r, 'A');
    const before = await rows();
    expect((await go()).statusCode).toBe(403);
    expect(await rows()).toEqual(before);
  });

  it('sync refuses, item by item, what lies outside the jurisdiction', async () => {
    const go = await prepare('staffA', sync, 'B');
    const before = await tableCounts(t);
    const res = await ok<{ items: { status: string; code: string }[] }>(go(), 200);
    expect(res.items).toMatchObject([{ status: 'refused', code: 'not_found' }]);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('lists only what lies inside the jurisdiction', async () => {
    const dose = await givenDose('B');
    await ok(call('national', 'POST', '/api/vaccination/adverse-events', eventBody(dose)));
    const backfill = await ok<{ id: string }>(call('national', 'POST', '/api/vaccination/backfills', backfillBody(await person('B'), 'pfizer', 30)));
    const sessions = (await ok<{ items: { areaPath: string }[] }>(call('staffA', 'GET', '/api/vaccination/sessions'), 200)).items;
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => s.areaPath.endsWith(BA_DINH))).toBe(true);
    const events = (await ok<{ items: { doseId: string }[] }>(call('staffA', 'GET', '/api/vaccination/adverse-events'), 200)).items;
    expect(events.map((e) => e.doseId)).not.toContain(dose);
    const unverified = (await ok<{ items: { id: string }[] }>(call('staffA', 'GET', '/api/vaccination/backfills/unverified'), 200)).items;
    expect(unverified.map((d) => d.id)).not.toContain(backfill.id);
    expect((await ok<{ items: { id: string }[] }>(call('national', 'GET', '/api/vaccination/backfills/unverified'), 200)).items.map((d) => d.id)).toContain(backfill.id);
  });

  it("lets a site's staff read the history of a person from elsewhere once vaccinated there", async () => {
    const visitor = await person('B');
    expect((await call('staffA', 'GET', `/api/vaccination/people/${visitor}/history`)).statusCode).toBe(404);
    await ok(call('staffA', 'POST', '/api/vaccination/doses', { id: uuid(), personId: visitor, sessionId: places.A!.sessionId, lotId: places.A!.lots.janssen }));
    expect((await call('staffA', 'GET', `/api/vaccination/people/${visitor}/history`)).statusCode).toBe(200);
  });

  it('gives the citizen route to citizens only', async () => {
    expect((await call(null, 'GET', '/api/me/vaccination/history')).statusCode).toBe(401);
    expect((await call('staffA', 'GET', '/api/me/vaccination/history')).statusCode).toBe(403);
    const unlinked = (await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }])).cookie;
    const res = await api(t, unlinked, 'GET', '/api/me/vaccination/history');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('not_linked');
  });
});
