import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { maintainCheckinPartitions } from '../checkins/maintain-partitions';
import { api, checkin, insertVenue, person, recordingJobs, uuid, vn, vnDay } from './tracing.fixtures';

/**
 * Who may use which tracing route: tracing:run (tracer, national administrator) in the index person's province.
 * Outside it, reads answer 404 and writes 403; without the scope 403; without a session 401. Then hostile input:
 * every malformed request answers 4xx naming the problem and changes nothing stored.
 */
let t: TestApp;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
const REASON = 'Kiểm tra quyền truy vết';

beforeAll(async () => {
  t = await createTestApp({ jobs: recordingJobs() });
  await maintainCheckinPartitions(t.conn.db);
  const national = await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }]);
  cookies.national = national.cookie;
  cookies.tracerHN = (await signInAs(t, [{ role: 'tracer', areaCode: '01' }])).cookie;
  cookies.tracerBD = (await signInAs(t, [{ role: 'tracer', areaCode: '79' }])).cookie;
  cookies.commune = (await signInAs(t, [{ role: 'commune_officer', areaCode: '00004' }])).cookie;
  cookies.province = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;

  const day = vnDay(2);
  const venue = await insertVenue(t, national.userId);
  ids.venue = venue;
  ids.index = await person(t, 'Nguyễn Văn Nguồn', '00004');
  ids.f1 = await person(t, 'Trần Thị Gặp', '00008');
  ids.f1b = await person(t, 'Trần Văn Gặp', '00008');
  ids.other = await person(t, 'Lê Văn Khác', '00004');
  await checkin(t, ids.index, venue, vn(day, '09:00'), vn(day, '10:00'));
  await checkin(t, ids.f1, venue, vn(day, '09:00'), vn(day, '10:00'));
  await checkin(t, ids.f1b, venue, vn(day, '09:30'), vn(day, '10:00'));
  const run = await api(t, cookies.national, 'POST', '/api/tracing/runs', { personId: ids.index, testDate: day, reason: REASON });
  if (run.statusCode !== 201) throw new Error(run.body);
  ids.run = run.json().id;
  ids.cand = run.json().candidates[0].id;
  ids.cand2 = run.json().candidates[1].id;
  // One F1 confirmed so the second-degree route can answer 202.
  const c = await api(t, cookies.national, 'POST', `/api/tracing/runs/${ids.run}/candidates/${ids.cand}/confirm`, {});
  if (c.statusCode !== 201) throw new Error(c.body);
});
afterAll(async () => {
  await t?.close();
});

interface Route { name: string; method: 'GET' | 'POST'; write: boolean; url: () => string; body?: () => unknown; ok: number[] }
const routes: Route[] = [
  { name: 'run a trace', method: 'POST', write: true, url: () => '/api/tracing/runs', body: () => ({ personId: ids.index, reason: REASON }), ok: [201] },
  { name: 'list runs', method: 'GET', write: false, url: () => `/api/tracing/runs?personId=${ids.index}&reason=${encodeURIComponent(REASON)}`, ok: [200] },
  { name: 'read a run', method: 'GET', write: false, url: () => `/api/tracing/runs/${ids.run}`, ok: [200] },
  { name: 'venues of a run', method: 'GET', write: false, url: () => `/api/tracing/runs/${ids.run}/venues`, ok: [200] },
  { name: 'open a candidate', method: 'GET', write: false, url: () => `/api/tracing/runs/${ids.run}/candidates/${ids.cand}`, ok: [200] },
  { name: 'confirm a candidate', method: 'POST', write: true, url: () => `/api/tracing/runs/${ids.run}/candidates/${ids.cand}/confirm`, body: () => ({}), ok: [200, 201] },
  { name: 'dismiss a candidate', method: 'POST', write: true, url: () => `/api/tracing/runs/${ids.run}/candidates/${ids.cand2}/dismiss`, body: () => ({}), ok: [200] },
  { name: 'queue F2', method: 'POST', write: true, url: () => `/api/tracing/runs/${ids.run}/second-degree`, body: () => ({}), ok: [202] },
  {
    name: 'add a manual contact', method: 'POST', write: true, url: () => '/api/tracing/contacts',
    body: () => ({ indexPersonId: ids.index, contactPersonId: ids.other, exposureStart: vn(vnDay(1), '08:00').toISOString(), reason: REASON }), ok: [200, 201],
  },
  { name: 'list contacts', method: 'GET', write: false, url: () => `/api/tracing/contacts?indexPersonId=${ids.index}&reason=${encodeURIComponent(REASON)}`, ok: [200] },
];
const send = (r: Route, cookie: string | null) => api(t, cookie, r.method, r.url(), r.body?.());

describe('authorisation, both ways, for every route', () => {
  for (const r of routes) {
    it(`${r.name}: a tracer of the province and the national administrator may`, async () => {
      const a = await send(r, cookies.tracerHN!);
      expect(r.ok, a.body).toContain(a.statusCode);
      const b = await send(r, cookies.national!);
      expect(r.ok, b.body).toContain(b.statusCode);
    });
    it(`${r.name}: a tracer of another province is refused (${r.write ? 403 : 404})`, async () => {
      const res = await send(r, cookies.tracerBD!);
      expect(res.statusCode, res.body).toBe(r.write ? 403 : 404);
    });
    it(`${r.name}: staff without tracing:run get 403, no session 401`, async () => {
      expect((await send(r, cookies.commune!)).statusCode).toBe(403);
      expect((await send(r, cookies.province!)).statusCode).toBe(403);
      expect((await send(r, null)).statusCode).toBe(401);
    });
  }
  it('a refused run stores nothing and writes no tracing audit', async () => {
    const before = await counts();
    await api(t, cookies.tracerBD!, 'POST', '/api/tracing/runs', { personId: ids.index, reason: REASON });
    expect(await counts()).toEqual(before);
  });
});

async function counts() {
  const r = await sql<{ runs: number; cands: number; contacts: number; audits: number; outbox: number }>`
    SELECT (SELECT count(*)::int FROM trace_runs) AS runs, (SELECT count(*)::int FROM trace_candidates) AS cands,
           (SELECT count(*)::int FROM contacts) AS contacts, (SELECT count(*)::int FROM audit_log WHERE action LIKE 'tracing.%') AS audits,
           (SELECT count(*)::int FROM notification_outbox) AS outbox`.execute(t.conn.db);
  return r.rows[0]!;
}

describe('hostile input: a clear 4xx naming the problem, nothing stored or changed', () => {
  const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const cases: { name: string; method: 'GET' | 'POST'; url: () => string; body?: () => unknown; status: number; mentions: string }[] = [
    { name: 'no reason', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: ids.index }), status: 400, mentions: 'reason' },
    { name: 'person id not a UUID', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: "1' OR '1'='1", reason: REASON }), status: 400, mentions: 'personId' },
    { name: 'unknown person', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: uuid(), reason: REASON }), status: 404, mentions: 'Person' },
    { name: 'unknown rule kind', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: ids.index, reason: REASON, rule: { kind: 'bluetooth' } }), status: 400, mentions: 'rule' },
    { name: 'window rule of 10,000 minutes', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: ids.index, reason: REASON, rule: { kind: 'window', minutes: 10_000 } }), status: 400, mentions: 'minutes' },
    { name: 'a window over 28 days', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: ids.index, reason: REASON, from: '2026-01-01T00:00:00+07:00', to: '2026-03-01T00:00:00+07:00' }), status: 400, mentions: 'to' },
    { name: 'from without to', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: ids.index, reason: REASON, from: '2026-01-01T00:00:00+07:00' }), status: 400, mentions: 'to' },
    { name: 'a time without offset', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: ids.index, reason: REASON, from: '2026-01-01T00:00:00', to: '2026-01-02T00:00:00' }), status: 400, mentions: 'from' },
    { name: 'a test date in the future', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: ids.index, reason: REASON, testDate: future }), status: 400, mentions: 'testDate' },
    { name: 'a test date that is no day', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: ids.index, reason: REASON, testDate: '2026-02-30' }), status: 400, mentions: 'testDate' },
    { name: 'days over 28', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: ids.index, reason: REASON, days: 90 }), status: 400, mentions: 'days' },
    { name: 'an unknown field', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: ids.index, reason: REASON, sql: 'DROP TABLE checkins' }), status: 400, mentions: 'sql' },
    { name: 'a huge reason', method: 'POST', url: () => '/api/tracing/runs', body: () => ({ personId: ids.index, reason: 'x'.repeat(100_000) }), status: 400, mentions: 'reason' },
    { name: 'list runs without a reason', method: 'GET', url: () => `/api/tracing/runs?personId=${ids.index}`, status: 400, mentions: 'reason' },
    { name: 'list contacts without a reason', method: 'GET', url: () => `/api/tracing/contacts?indexPersonId=${ids.index}`, status: 400, mentions: 'reason' },
    { name: 'run id not a UUID', method: 'GET', url: () => "/api/tracing/runs/1'%20OR%201=1", status: 400, mentions: 'id' },
    { name: 'unknown run', method: 'GET', url: () => `/api/tracing/runs/${uuid()}`, status: 404, mentions: 'Trace run' },
    { name: "a candidate of another run", method: 'POST', url: () => `/api/tracing/runs/${ids.run}/candidates/${uuid()}/confirm`, body: () => ({}), status: 404, mentions: 'Candidate' },
    { name: 'a page limit of a million', method: 'GET', url: () => `/api/tracing/runs/${ids.run}?limit=1000000`, status: 400, mentions: 'limit' },
    { name: 'manual contact with itself', method: 'POST', url: () => '/api/tracing/contacts', body: () => ({ indexPersonId: ids.index, contactPersonId: ids.index, exposureStart: new Date().toISOString(), reason: REASON }), status: 400, mentions: 'contactPersonId' },
    { name: 'manual contact in the future', method: 'POST', url: () => '/api/tracing/contacts', body: () => ({ indexPersonId: ids.index, contactPersonId: ids.other, exposureStart: new Date(Date.now() + 86_400_000).toISOString(), reason: REASON }), status: 400, mentions: 'exposureStart' },
    { name: 'manual contact ending before it starts', method: 'POST', url: () => '/api/tracing/contacts', body: () => ({ indexPersonId: ids.index, contactPersonId: ids.other, exposureStart: vn(vnDay(1), '10:00').toISOString(), exposureEnd: vn(vnDay(1), '09:00').toISOString(), reason: REASON }), status: 400, mentions: 'exposureEnd' },
    { name: 'manual F2 without its F1', method: 'POST', url: () => '/api/tracing/contacts', body: () => ({ indexPersonId: ids.index, contactPersonId: ids.other, generation: 2, exposureStart: vn(vnDay(1), '10:00').toISOString(), reason: REASON }), status: 400, mentions: 'viaContactId' },
    { name: 'manual contact, unknown person', method: 'POST', url: () => '/api/tracing/contacts', body: () => ({ indexPersonId: ids.index, contactPersonId: uuid(), exposureStart: vn(vnDay(1), '10:00').toISOString(), reason: REASON }), status: 404, mentions: 'Contact person' },
    { name: 'F2 limit above the configured one', method: 'POST', url: () => `/api/tracing/runs/${ids.run}/second-degree`, body: () => ({ totalLimit: 99_999 }), status: 400, mentions: 'totalLimit' },
    { name: 'F2 limit of zero', method: 'POST', url: () => `/api/tracing/runs/${ids.run}/second-degree`, body: () => ({ perF1Limit: 0 }), status: 400, mentions: 'perF1Limit' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const before = await counts();
      const res = await api(t, cookies.tracerHN!, c.method, c.url(), c.body?.());
      expect(res.statusCode, res.body).toBe(c.status);
      expect(res.body).toContain(c.mentions);
      expect(await counts()).toEqual(before);
    });
  }
});
