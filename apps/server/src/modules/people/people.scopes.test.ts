import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, BA_DINH, count, createPerson, NGOC_HA, THU_DAU_MOT } from './people.fixtures';

/**
 * Who may use which route, and on which records. The rule (see people-access.ts): a record outside the actor's
 * people:read jurisdiction answers 404, exactly like a record that does not exist, so ids cannot be probed across
 * jurisdictions; a record they may read but not change answers 403; a route whose scope they lack answers 403.
 */
let t: TestApp;
const cookies: Record<string, string> = {};
// Records in Ba Đình (A), Ngọc Hà (B, same province) and Thủ Dầu Một (C, Hồ Chí Minh)
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  const sign = async (key: string, role: string, areaCode: string, personId?: string) => {
    cookies[key] = (await signInAs(t, [{ role, areaCode }], personId ? { personId } : {})).cookie;
  };
  await sign('national', 'national_admin', 'VN');
  await sign('province', 'province_officer', '01');
  await sign('communeA', 'commune_officer', BA_DINH);
  await sign('communeB', 'commune_officer', NGOC_HA);
  await sign('vaccinatorA', 'vaccination_staff', BA_DINH);
  await sign('checkpoint', 'checkpoint_officer', '01');
  await sign('hotline', 'hotline_operator', '01');
  for (const [key, commune] of [['A', BA_DINH], ['B', NGOC_HA], ['C', THU_DAU_MOT]] as const) {
    ids[key] = (await createPerson(t, cookies.national!, { fullName: `Trần Thị Sáu ${key}`, birthDate: '1970-01-01', sex: 'female', communeCode: commune })).id;
    ids[`${key}copy`] = (await createPerson(t, cookies.national!, { fullName: `Tran Thi Sau ${key}`, birthDate: '1970-01-01', sex: 'female', communeCode: commune })).id;
    const hh = await api(t, cookies.national!, 'POST', '/api/households', { communeCode: commune });
    ids[`household${key}`] = hh.json().id;
    const [a, b] = [ids[key]!, ids[`${key}copy`]!].sort();
    ids[`pair${key}`] = (await t.conn.db.selectFrom('duplicate_candidates').select('id').where('person_a', '=', a!).where('person_b', '=', b!).executeTakeFirstOrThrow()).id;
  }
  await sign('citizen', 'citizen', 'VN', ids.A);
  await sign('unlinked', 'citizen', 'VN');
});
afterAll(async () => {
  await t?.close();
});

interface Route {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: (k: string) => string;
  body?: (k: string) => unknown;
}

/** Every route of the module, aimed at the records of one commune (k = 'A', 'B' or 'C'). */
const routes: Route[] = [
  { name: 'create person', method: 'POST', url: () => '/api/people', body: (k) => ({ fullName: 'Mới Tạo', sex: 'male', communeCode: { A: BA_DINH, B: NGOC_HA, C: THU_DAU_MOT }[k] }) },
  { name: 'search people', method: 'GET', url: (k) => `/api/people?q=${encodeURIComponent(`sau ${k.toLowerCase()}`)}` },
  { name: 'read person', method: 'GET', url: (k) => `/api/people/${ids[k]}` },
  { name: 'edit person', method: 'PATCH', url: (k) => `/api/people/${ids[k]}`, body: () => ({ version: 1, address: 'Số 1' }) },
  { name: 'my person', method: 'GET', url: () => '/api/me/person' },
  { name: 'create household', method: 'POST', url: () => '/api/households', body: (k) => ({ communeCode: { A: BA_DINH, B: NGOC_HA, C: THU_DAU_MOT }[k] }) },
  { name: 'read household', method: 'GET', url: (k) => `/api/households/${ids[`household${k}`]}` },
  { name: 'list duplicates', method: 'GET', url: () => '/api/duplicates' },
  { name: 'scan duplicates', method: 'POST', url: () => '/api/duplicates/scan', body: () => ({}) },
  { name: 'dismiss duplicate', method: 'POST', url: (k) => `/api/duplicates/${ids[`pair${k}`]}/dismiss` },
  { name: 'merge duplicate', method: 'POST', url: (k) => `/api/duplicates/${ids[`pair${k}`]}/merge`, body: (k) => ({ survivorId: ids[k] }) },
];

async function call(who: string | null, r: Route, k = 'A') {
  return api(t, who ? cookies[who]! : null, r.method, r.url(k), r.body?.(k));
}

describe('every route', () => {
  it.each(routes)('$name: 401 without a session', async (r) => {
    const before = await count(t, 'people');
    const res = await call(null, r);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('unauthenticated');
    expect(await count(t, 'people')).toBe(before);
  });

  it('refuses before validating: 401 even for a malformed request', async () => {
    expect((await api(t, null, 'POST', '/api/people', { nonsense: true })).statusCode).toBe(401);
    expect((await api(t, null, 'GET', '/api/people/not-a-uuid')).statusCode).toBe(401);
    expect((await api(t, cookies.checkpoint!, 'GET', '/api/people?limit=9999')).statusCode).toBe(403);
  });

  it.each(routes)('$name: 403 for roles without people scopes (checkpoint, hotline)', async (r) => {
    for (const who of ['checkpoint', 'hotline']) {
      const res = await call(who, r);
      expect(res.statusCode, who).toBe(403);
      expect(res.json().code).toBe('forbidden');
    }
  });

  it.each(routes.filter((r) => r.name !== 'my person' && r.name !== 'read person'))('$name: 403 for a citizen', async (r) => {
    const res = await call('citizen', r);
    expect(res.statusCode).toBe(403);
  });
});

describe('jurisdiction', () => {
  // Reads of records outside the jurisdiction are 404; so are changes to them (they cannot be seen to be changed).
  const outside: [string, number][] = [
    ['read person', 404], ['edit person', 404], ['read household', 404], ['dismiss duplicate', 404], ['merge duplicate', 404], ['create person', 403], ['create household', 403],
  ];
  it.each(outside)('a commune officer of A gets %s of commune B: %i', async (name, status) => {
    const r = routes.find((x) => x.name === name)!;
    const before = await Promise.all([count(t, 'people'), count(t, 'households'), count(t, 'person_merges')]);
    const res = await call('communeA', r, 'B');
    expect(res.statusCode).toBe(status);
    expect(await Promise.all([count(t, 'people'), count(t, 'households'), count(t, 'person_merges')])).toEqual(before);
  });

  it('a commune officer finds only their commune, lists only its pairs, and may not scan', async () => {
    const found = (await call('communeA', routes[1]!, 'B')).json();
    expect(found.items).toEqual([]);
    const pairs = (await call('communeA', routes[7]!)).json().items.map((i: { id: string }) => i.id);
    expect(pairs).toContain(ids.pairA);
    expect(pairs).not.toContain(ids.pairB);
    expect((await call('communeA', routes[8]!)).statusCode).toBe(403);
  });

  it('a commune officer can do everything on commune A', async () => {
    for (const r of routes.filter((x) => !['my person', 'scan duplicates', 'dismiss duplicate'].includes(x.name))) {
      const res = await call('communeA', r, 'A');
      expect(res.statusCode, `${r.name}: ${res.body}`).toBeLessThan(300);
    }
  });

  it('a role that may read but not write gets 403 on edits in its commune and 404 outside it', async () => {
    expect((await call('vaccinatorA', routes[2]!, 'B')).statusCode).toBe(404);
    expect((await call('vaccinatorA', routes[2]!, 'A')).statusCode).toBe(200);
    expect((await api(t, cookies.vaccinatorA!, 'PATCH', `/api/people/${ids.A}`, { version: 2, address: 'Số 2' })).statusCode).toBe(403);
    expect((await call('vaccinatorA', routes[0]!, 'A')).statusCode).toBe(403);
    expect((await call('vaccinatorA', routes[7]!, 'A')).statusCode).toBe(403);
  });

  it('a province officer sees every commune of the province and nothing beyond', async () => {
    expect((await call('province', routes[2]!, 'A')).statusCode).toBe(200);
    expect((await call('province', routes[2]!, 'B')).statusCode).toBe(200);
    expect((await call('province', routes[2]!, 'C')).statusCode).toBe(404);
    expect((await call('province', routes[1]!, 'B')).json().items.length).toBeGreaterThan(0);
    expect((await call('province', routes[1]!, 'C')).json().items).toEqual([]);
    expect((await call('province', routes[6]!, 'C')).statusCode).toBe(404);
    const pairs = (await call('province', routes[7]!)).json().items.map((i: { id: string }) => i.id);
    expect(pairs).toContain(ids.pairB);
    expect(pairs).not.toContain(ids.pairC);
    expect((await call('province', routes[9]!, 'B')).statusCode).toBe(200);
    expect((await call('province', routes[9]!, 'C')).statusCode).toBe(404);
  });

  it('a national administrator sees everything', async () => {
    for (const k of ['A', 'B', 'C']) {
      expect((await call('national', routes[2]!, k)).statusCode).toBe(200);
      expect((await call('national', routes[6]!, k)).statusCode).toBe(200);
    }
    expect((await call('national', routes[1]!, 'C')).json().items.length).toBeGreaterThan(0);
    expect((await call('national', routes[10]!, 'C')).statusCode).toBe(200);
  });
});

describe('citizens', () => {
  it('read their own record through /api/me/person and /api/people/:id, and nobody else', async () => {
    const me = await call('citizen', routes[4]!);
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(ids.A);
    expect((await call('citizen', routes[2]!, 'A')).statusCode).toBe(200);
    expect((await call('citizen', routes[2]!, 'B')).statusCode).toBe(403);
    expect((await api(t, cookies.citizen!, 'GET', '/api/people/0190a000-0000-7000-8000-000000000000')).statusCode).toBe(403);
    const audit = await t.conn.db.selectFrom('audit_log').select('details').where('action', '=', 'person.read').where('entity_id', '=', ids.A!).execute();
    expect(audit.map((a) => (a.details as { via: string }).via)).toContain('self');
  });

  it('get 404 not_linked when their account has no person, and staff have no /api/me/person', async () => {
    const res = await call('unlinked', routes[4]!);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('not_linked');
    expect((await call('communeA', routes[4]!)).statusCode).toBe(403);
  });
});
