import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { addStaff, call, createPerson, createShift, createSite, siteBody, siteRows, type Method } from './sites.fixtures';
import { BA_DINH, NGOC_HA, ok } from './vaccination.fixtures';

/**
 * Who may use which route of sites, staff and shifts. The module's rule (sites-repo.ts, as store-access.ts): a site
 * (or its shift) outside the actor's vaccination:read jurisdiction answers 404, like one that does not exist; one
 * they may read but not change answers 403; naming a commune outside the jurisdiction to create a site is a plain
 * 403; a route whose scope they lack answers 403; no session, 401.
 */
let t: TestApp;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
const commune = (k: string) => (k === 'A' ? BA_DINH : NGOC_HA);

beforeAll(async () => {
  t = await createTestApp();
  const sign = async (key: string, role: string, areaCode: string) => {
    cookies[key] = (await signInAs(t, [{ role, areaCode }])).cookie;
  };
  await sign('national', 'national_admin', 'VN');
  await sign('staffA', 'vaccination_staff', BA_DINH);
  await sign('province', 'province_officer', '01');
  await sign('hotline', 'hotline_operator', '01');
  for (const k of ['A', 'B']) {
    ids[`site${k}`] = (await createSite(t, cookies.national!, commune(k))).id;
    ids[`person${k}`] = await createPerson(t, cookies.national!, commune(k));
    await addStaff(t, cookies.national!, ids[`site${k}`]!, ids[`person${k}`]!);
    ids[`shift${k}`] = (await createShift(t, cookies.national!, ids[`site${k}`]!, '2026-01-05T07:00', '2026-01-05T11:00', [{ personId: ids[`person${k}`]! }])).id;
  }
});
afterAll(async () => {
  await t?.close();
});

let serial = 0;
/** A fresh, non-overlapping window for each shift made by a call. */
function window(): { startsAt: string; endsAt: string } {
  serial += 1;
  const day = new Date(Date.UTC(2027, 0, 1) + serial * 86_400_000).toISOString().slice(0, 10);
  return { startsAt: `${day}T07:00`, endsAt: `${day}T11:00` };
}

/** A fresh staff member of site k (made by the national admin). */
async function freshStaff(k: string): Promise<string> {
  const person = await createPerson(t, cookies.national!, commune(k));
  await addStaff(t, cookies.national!, ids[`site${k}`]!, person);
  return person;
}

interface Prepared { url: string; body?: unknown }
interface Route {
  name: string;
  method: Method;
  /** Whether the route acts on a site (or shift) of commune k: jurisdiction applies. */
  scoped: boolean;
  write: boolean;
  make: (k: string) => Prepared | Promise<Prepared>;
}

const site = (k: string) => ids[`site${k}`]!;
const routes: Route[] = [
  { name: 'create site', method: 'POST', scoped: true, write: true, make: (k) => ({ url: '/api/vaccination/sites', body: siteBody(commune(k)) }) },
  { name: 'list sites', method: 'GET', scoped: false, write: false, make: () => ({ url: '/api/vaccination/sites' }) },
  { name: 'get site', method: 'GET', scoped: true, write: false, make: (k) => ({ url: `/api/vaccination/sites/${site(k)}` }) },
  {
    name: 'update site', method: 'PATCH', scoped: true, write: true,
    make: async (k) => {
      const current = await ok<{ version: number }>(call(t, cookies.national!, 'GET', `/api/vaccination/sites/${site(k)}`), 200);
      return { url: `/api/vaccination/sites/${site(k)}`, body: { version: current.version, capacityPerHour: 50 + current.version } };
    },
  },
  {
    name: 'add staff', method: 'POST', scoped: true, write: true,
    make: async (k) => ({ url: `/api/vaccination/sites/${site(k)}/staff`, body: { personId: await createPerson(t, cookies.national!, commune(k)), role: 'recorder' } }),
  },
  { name: 'list staff', method: 'GET', scoped: true, write: false, make: (k) => ({ url: `/api/vaccination/sites/${site(k)}/staff` }) },
  { name: 'create shift', method: 'POST', scoped: true, write: true, make: (k) => ({ url: `/api/vaccination/sites/${site(k)}/shifts`, body: { ...window(), members: [] } }) },
  { name: 'list site shifts', method: 'GET', scoped: true, write: false, make: (k) => ({ url: `/api/vaccination/sites/${site(k)}/shifts?from=2026-01-01&to=2026-12-31` }) },
  { name: 'get shift', method: 'GET', scoped: true, write: false, make: (k) => ({ url: `/api/vaccination/shifts/${ids[`shift${k}`]}` }) },
  {
    name: 'add shift member', method: 'POST', scoped: true, write: true,
    make: async (k) => {
      const w = window();
      const shift = await createShift(t, cookies.national!, site(k), w.startsAt, w.endsAt);
      return { url: `/api/vaccination/shifts/${shift.id}/members`, body: { personId: await freshStaff(k) } };
    },
  },
  {
    name: 'remove shift member', method: 'DELETE', scoped: true, write: true,
    make: async (k) => {
      const w = window();
      const person = await freshStaff(k);
      const shift = await createShift(t, cookies.national!, site(k), w.startsAt, w.endsAt, [{ personId: person }]);
      return { url: `/api/vaccination/shifts/${shift.id}/members/${person}` };
    },
  },
  { name: "a person's shifts", method: 'GET', scoped: false, write: false, make: (k) => ({ url: `/api/vaccination/people/${ids[`person${k}`]}/shifts` }) },
];

/** Prepares the route for commune k (making what it acts on), then returns the call to make. */
async function prepare(who: string | null, r: Route, k = 'A') {
  const p = await r.make(k);
  return () => call(t, who ? cookies[who]! : null, r.method, p.url, p.body);
}

async function send(who: string | null, r: Route, k = 'A') {
  return (await prepare(who, r, k))();
}

const rows = async () => [...(await siteRows(t)), (await t.conn.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n];

describe('every route', () => {
  it.each(routes)('$name: 401 without a session, nothing stored', async (r) => {
    const go = await prepare(null, r);
    const before = await rows();
    const res = await go();
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('unauthenticated');
    expect(await rows()).toEqual(before);
  });

  it.each(routes)('$name: 403 for a role without vaccination scopes (hotline operator), nothing stored', async (r) => {
    const go = await prepare('hotline', r);
    const before = await rows();
    const res = await go();
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
    expect(await rows()).toEqual(before);
  });

  it.each(routes)('$name: the national admin may, in either commune', async (r) => {
    for (const k of ['A', 'B']) {
      const res = await send('national', r, k);
      expect(res.statusCode, `${k}: ${res.body}`).toBeLessThan(300);
    }
  });
});

describe('jurisdiction', () => {
  it.each(routes.filter((r) => r.scoped))('$name: commune staff of 00004 may act on a site of 00004', async (r) => {
    const res = await send('staffA', r, 'A');
    expect(res.statusCode, res.body).toBeLessThan(300);
  });

  it.each(routes.filter((r) => r.scoped))('$name: commune staff of 00004 get 404 for a site of 00008 (403 to create one there), nothing stored', async (r) => {
    const go = await prepare('staffA', r, 'B');
    const before = await rows();
    const res = await go();
    expect(res.statusCode, res.body).toBe(r.name === 'create site' ? 403 : 404);
    expect(await rows()).toEqual(before);
  });

  it.each(routes.filter((r) => !r.write))('$name: a province officer (read only) may read in either commune', async (r) => {
    for (const k of ['A', 'B']) expect((await send('province', r, k)).statusCode).toBeLessThan(300);
  });

  it.each(routes.filter((r) => r.write))('$name: a province officer (read only) may not write: 403, nothing stored', async (r) => {
    const go = await prepare('province', r, 'A');
    const before = await rows();
    expect((await go()).statusCode).toBe(403);
    expect(await rows()).toEqual(before);
  });

  it("lists only sites and a person's shifts inside the jurisdiction", async () => {
    const listed = (await ok<{ items: { id: string }[] }>(call(t, cookies.staffA!, 'GET', '/api/vaccination/sites'), 200)).items.map((s) => s.id);
    expect(listed).toContain(ids.siteA);
    expect(listed).not.toContain(ids.siteB);
    const theirs = await ok<{ items: { id: string }[] }>(call(t, cookies.staffA!, 'GET', `/api/vaccination/people/${ids.personB}/shifts`), 200);
    expect(theirs.items).toEqual([]);
    const national = await ok<{ items: { id: string }[] }>(call(t, cookies.national!, 'GET', `/api/vaccination/people/${ids.personB}/shifts`), 200);
    expect(national.items.map((s) => s.id)).toContain(ids.shiftB);
  });

  it('refuses before validating: 401 and 403 even for malformed requests', async () => {
    expect((await call(t, null, 'POST', '/api/vaccination/sites/nope/shifts', { nonsense: true })).statusCode).toBe(401);
    expect((await call(t, cookies.hotline!, 'PATCH', '/api/vaccination/sites/nope', { nonsense: true })).statusCode).toBe(403);
  });
});
