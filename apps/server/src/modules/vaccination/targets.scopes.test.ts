import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { vnDayOf } from '@sen/domain';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { csvOf, VI_HEADERS } from './targets.fixtures';
import { api, BA_DINH, NGOC_HA, ok } from './vaccination.fixtures';
import { makePlace, newPerson, uuid, type Place } from './workflow.fixtures';

/**
 * Who may use each route of targets-routes.ts (catalog versions, priority groups, target lists and imports,
 * registrations, invitations). The module's rule: a record outside the actor's vaccination:read jurisdiction answers
 * 404; an area they may read but not write, or a national rule for anyone below the country, 403; a route whose
 * scope they lack, 403; no session, 401. Imports belong to their uploader (anyone else: 404). Nothing is stored by
 * a refused call.
 */
let t: TestApp;
const cookies: Record<string, string> = {};
const places: Record<string, Place> = {};
const lists: Record<string, string> = {};
const commune = (k: string) => (k === 'A' ? BA_DINH : NGOC_HA);

beforeAll(async () => {
  t = await createTestApp();
  const sign = async (key: string, role: string, areaCode: string, personId?: string) => {
    cookies[key] = (await signInAs(t, [{ role, areaCode }], personId ? { personId } : {})).cookie;
  };
  await sign('national', 'national_admin', 'VN');
  await sign('staffA', 'vaccination_staff', BA_DINH);
  await sign('province', 'province_officer', '01');
  await sign('hotline', 'hotline_operator', '01');
  await sign('citizen', 'citizen', 'VN', await newPerson(t, cookies.national!, BA_DINH));
  for (const k of ['A', 'B']) {
    places[k] = await makePlace(t, cookies.national!, cookies.national!, commune(k));
    lists[k] = (await ok<{ id: string }>(api(t, cookies.national!, 'POST', '/api/vaccination/target-lists', { name: `Danh sách ${k}`, areaCode: commune(k) }))).id;
  }
}, 180_000);
afterAll(async () => {
  await t?.close();
});

type Method = 'GET' | 'POST' | 'PUT';
interface Prepared { url: string; body?: unknown; file?: Buffer }
interface Route {
  name: string;
  method: Method;
  /** The caller who may (national admins may everything else). */
  allowed: 'staff' | 'citizen' | 'national' | 'anyone';
  /** Acts on a record or area of commune k: jurisdiction applies. */
  scoped: boolean;
  write: boolean;
  /** Prepares the call for commune k as caller `who` (records a caller must own are made as that caller). */
  make: (k: string, who: string) => Prepared | Promise<Prepared>;
}

const call = (who: string | null, method: Method, url: string, body?: unknown) => api(t, who ? cookies[who]! : null, method as 'GET', url, body);
let days = 10;
/** A catalog version body: each one starts later than the one before (and never before today). */
function versionBody() {
  days += 1;
  return { validFrom: vnDayOf(new Date(Date.now() + days * 86_400_000)), source: 'Quyết định thử nghiệm' };
}
const targetFile = (k: string) => csvOf([VI_HEADERS, ['Nguyễn Văn Mới', '07/03/1990', 'Nam', '', '', commune(k), '1']]);
/** An import into the list of commune k, uploaded by `who` when they may, else by the national admin. */
async function importOf(k: string, who: string): Promise<string> {
  const uploader = ['national', 'staffA'].includes(who) && (who === 'national' || k === 'A') ? who : 'national';
  const res = await t.app.inject({ method: 'POST', url: `/api/vaccination/target-lists/${lists[k]}/imports?fileName=ds.csv`, headers: { 'content-type': 'text/csv', cookie: cookies[uploader]! }, payload: targetFile(k) });
  return (await ok<{ id: string }>(res)).id;
}
/** A fresh person of commune k with an open registration made by staff. */
async function registration(k: string): Promise<string> {
  const personId = await newPerson(t, cookies.national!, commune(k));
  return (await ok<{ id: string }>(call('national', 'POST', '/api/vaccination/registrations', { id: uuid(), personId, areaCode: commune(k) }))).id;
}
/** The citizen's open registration, cancelled so they may register again. */
async function citizenFree() {
  const mine = await ok<{ items: { id: string; status: string }[] }>(call('citizen', 'GET', '/api/vaccination/registrations/me'), 200);
  for (const r of mine.items.filter((x) => x.status === 'active')) await ok(call('citizen', 'POST', `/api/vaccination/registrations/${r.id}/cancel`), 200);
}

const routes: Route[] = [
  { name: 'list catalog versions', method: 'GET', allowed: 'staff', scoped: false, write: false, make: () => ({ url: '/api/vaccination/catalog/versions' }) },
  { name: 'get a catalog version', method: 'GET', allowed: 'staff', scoped: false, write: false, make: () => ({ url: '/api/vaccination/catalog/versions/1' }) },
  { name: 'add a catalog version', method: 'POST', allowed: 'national', scoped: false, write: true, make: () => ({ url: '/api/vaccination/catalog/versions', body: versionBody() }) },
  { name: 'list priority groups', method: 'GET', allowed: 'anyone', scoped: false, write: false, make: () => ({ url: '/api/vaccination/priority-groups' }) },
  {
    name: 'edit priority groups', method: 'PUT', allowed: 'national', scoped: false, write: true,
    make: async () => {
      const groups = (await ok<{ items: { code: string; nameVi: string; nameEn: string; active: boolean }[] }>(call('national', 'GET', '/api/vaccination/priority-groups'), 200)).items;
      return { url: '/api/vaccination/priority-groups', body: { groups: groups.map((g) => ({ code: g.code, nameVi: g.nameVi, nameEn: g.nameEn, active: g.active })) } };
    },
  },
  { name: 'create a target list', method: 'POST', allowed: 'staff', scoped: true, write: true, make: (k) => ({ url: '/api/vaccination/target-lists', body: { name: 'Danh sách mới', areaCode: commune(k) } }) },
  { name: 'list target lists', method: 'GET', allowed: 'staff', scoped: false, write: false, make: () => ({ url: '/api/vaccination/target-lists' }) },
  { name: 'list entries', method: 'GET', allowed: 'staff', scoped: true, write: false, make: (k) => ({ url: `/api/vaccination/target-lists/${lists[k]}/entries` }) },
  { name: 'upload an import', method: 'POST', allowed: 'staff', scoped: true, write: true, make: (k) => ({ url: `/api/vaccination/target-lists/${lists[k]}/imports?fileName=ds.csv`, file: targetFile(k) }) },
  { name: 'list my imports', method: 'GET', allowed: 'staff', scoped: true, write: false, make: (k) => ({ url: `/api/vaccination/target-lists/${lists[k]}/imports` }) },
  { name: 'import progress', method: 'GET', allowed: 'staff', scoped: true, write: true, make: async (k, who) => ({ url: `/api/vaccination/target-imports/${await importOf(k, who)}` }) },
  { name: 'import errors', method: 'GET', allowed: 'staff', scoped: true, write: true, make: async (k, who) => ({ url: `/api/vaccination/target-imports/${await importOf(k, who)}/errors.csv` }) },
  {
    name: 'register myself', method: 'POST', allowed: 'citizen', scoped: false, write: true,
    make: async (k) => {
      await citizenFree();
      return { url: '/api/vaccination/registrations/me', body: { id: uuid(), areaCode: commune(k) } };
    },
  },
  { name: 'my registrations', method: 'GET', allowed: 'citizen', scoped: false, write: false, make: () => ({ url: '/api/vaccination/registrations/me' }) },
  {
    name: 'register a person', method: 'POST', allowed: 'staff', scoped: true, write: true,
    make: async (k) => ({ url: '/api/vaccination/registrations', body: { id: uuid(), personId: await newPerson(t, cookies.national!, commune(k)), areaCode: commune(k) } }),
  },
  { name: 'list registrations', method: 'GET', allowed: 'staff', scoped: false, write: false, make: () => ({ url: '/api/vaccination/registrations' }) },
  { name: 'cancel a registration', method: 'POST', allowed: 'staff', scoped: true, write: true, make: async (k) => ({ url: `/api/vaccination/registrations/${await registration(k)}/cancel` }) },
  { name: 'invite to a session', method: 'POST', allowed: 'staff', scoped: true, write: true, make: (k) => ({ url: `/api/vaccination/sessions/${places[k]!.sessionId}/invitations` }) },
  { name: 'list invitations', method: 'GET', allowed: 'staff', scoped: true, write: false, make: (k) => ({ url: `/api/vaccination/sessions/${places[k]!.sessionId}/invitations` }) },
];

async function prepare(who: string | null, r: Route, k = 'A') {
  const p = await r.make(k, who ?? 'national');
  if (p.file) {
    const file = p.file;
    return () => t.app.inject({ method: 'POST', url: p.url, headers: { 'content-type': 'text/csv', ...(who ? { cookie: cookies[who]! } : {}) }, payload: file });
  }
  return () => call(who, r.method, p.url, p.body);
}
const send = async (who: string | null, r: Route, k = 'A') => (await prepare(who, r, k))();
const counts = async () => {
  const r = await sql<Record<string, number>>`
    SELECT (SELECT count(*)::int FROM vaccine_catalog_versions) AS versions, (SELECT count(*)::int FROM target_lists) AS lists,
           (SELECT count(*)::int FROM target_imports) AS imports, (SELECT count(*)::int FROM vaccination_invitations) AS invitations,
           (SELECT string_agg(code || rank, ',' ORDER BY code) FROM priority_groups) AS ranks, (SELECT count(*)::int FROM audit_log) AS audit,
           (SELECT count(*)::int FROM vaccination_registrations) AS registrations, (SELECT count(*)::int FROM vaccination_registrations WHERE status = 'active') AS active`.execute(t.conn.db);
  return r.rows[0]!;
};
/** Reads are audited (some touch personal data), so a refused read compares the records only. */
const stored = async (r: Route) => {
  const c = await counts();
  return r.write ? c : { ...c, audit: 0 };
};

describe('every route', () => {
  it.each(routes)('$name: 401 without a session, nothing stored', async (r) => {
    const go = await prepare(null, r);
    const before = await counts();
    const res = await go();
    expect(res.statusCode).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it.each(routes.filter((r) => r.allowed !== 'anyone'))('$name: 403 for a role without the scope, nothing stored', async (r) => {
    // Staff routes: the hotline operator has no vaccination scope; citizens' routes: staff have no self:read.
    const who = r.allowed === 'citizen' ? 'staffA' : 'hotline';
    const go = await prepare(who, r);
    const before = await stored(r);
    const res = await go();
    expect(res.statusCode, res.body).toBe(403);
    expect(await stored(r)).toEqual(before);
  });

  it('catalog versions: citizens may read them too (self:read)', async () => {
    for (const url of ['/api/vaccination/catalog/versions', '/api/vaccination/catalog/versions/2']) expect((await call('citizen', 'GET', url)).statusCode).toBe(200);
  });

  it('list priority groups: any signed-in role may (the list is public to staff and citizens)', async () => {
    for (const who of ['hotline', 'citizen', 'staffA']) expect((await call(who, 'GET', '/api/vaccination/priority-groups')).statusCode).toBe(200);
  });

  it.each(routes)('$name: allowed to its caller', async (r) => {
    const who = r.allowed === 'citizen' ? 'citizen' : r.allowed === 'national' ? 'national' : 'staffA';
    const res = await send(who, r, 'A');
    expect(res.statusCode, res.body).toBeLessThan(300);
  });

  it.each(routes.filter((r) => r.allowed !== 'citizen'))('$name: the national admin may, in either commune', async (r) => {
    for (const k of ['A', 'B']) {
      const res = await send('national', r, k);
      expect(res.statusCode, `${k}: ${res.body}`).toBeLessThan(300);
    }
  });
});

describe('jurisdiction', () => {
  it.each(routes.filter((r) => r.scoped))('$name: staff of 00004 are refused in 00008 (404, or 403 naming an area), nothing stored', async (r) => {
    const go = await prepare('staffA', r, 'B');
    const before = await stored(r);
    const res = await go();
    expect(res.statusCode, res.body).toBe(r.name === 'create a target list' ? 403 : 404);
    expect(await stored(r)).toEqual(before);
  });

  it.each(routes.filter((r) => r.allowed === 'national'))('$name: national rules refuse staff below the country (403), nothing stored', async (r) => {
    const go = await prepare('staffA', r);
    const before = await counts();
    expect((await go()).statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it.each(routes.filter((r) => r.write && r.allowed !== 'citizen'))('$name: a province officer (read only) may not write: 403, nothing stored', async (r) => {
    const go = await prepare('province', r);
    const before = await counts();
    expect((await go()).statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('lets a citizen cancel their own registration only', async () => {
    await citizenFree();
    const own = await ok<{ id: string }>(call('citizen', 'POST', '/api/vaccination/registrations/me', { id: uuid(), areaCode: BA_DINH }));
    const other = await registration('A');
    expect((await call('citizen', 'POST', `/api/vaccination/registrations/${other}/cancel`)).statusCode).toBe(404);
    expect((await call('citizen', 'POST', `/api/vaccination/registrations/${own.id}/cancel`)).statusCode).toBe(200);
  });

  it('lists only what lies inside the jurisdiction', async () => {
    const ids = async (who: string) => (await ok<{ items: { id: string }[] }>(call(who, 'GET', '/api/vaccination/target-lists?limit=500'), 200)).items.map((l) => l.id);
    expect(await ids('staffA')).toContain(lists.A);
    expect(await ids('staffA')).not.toContain(lists.B);
    expect(await ids('province')).toEqual(expect.arrayContaining([lists.A, lists.B]));
    const regs = (await ok<{ items: { areaCode: string }[] }>(call('staffA', 'GET', '/api/vaccination/registrations?limit=500'), 200)).items;
    expect(regs.length).toBeGreaterThan(0);
    expect(regs.every((r) => r.areaCode === BA_DINH)).toBe(true);
  });
});
