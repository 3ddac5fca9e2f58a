import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, BA_DINH, countRows, createPerson, createVenue, uuid } from './venues.fixtures';

/**
 * Who may use which venue route, and on which venues (see venue-access.ts): no session 401; a role without the
 * route's scope 403; another owner's venue 404 (they may not even know it exists); staff who can read a venue but
 * not operate it 403; the national administrator may do everything but check themselves in (no self:read).
 */
let t: TestApp;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
/** Fresh check-ins to check out: each call takes one. */
const checkinIds: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const sign = async (key: string, roles: { role: string; areaCode: string }[], personId?: string) => {
    const s = await signInAs(t, roles, personId ? { personId } : {});
    cookies[key] = s.cookie;
    ids[`user:${key}`] = s.userId;
  };
  await sign('national', [{ role: 'national_admin', areaCode: 'VN' }]);
  await sign('owner', [{ role: 'business_admin', areaCode: BA_DINH }]);
  await sign('otherOwner', [{ role: 'business_admin', areaCode: BA_DINH }]);
  await sign('staffBiz', [{ role: 'business_admin', areaCode: BA_DINH }, { role: 'commune_officer', areaCode: BA_DINH }]);
  await sign('tracer', [{ role: 'tracer', areaCode: '01' }]);
  ids.person = (await createPerson(t, cookies.national!, { fullName: 'Phạm Văn Đồng', sex: 'male', communeCode: BA_DINH })).id;
  await sign('citizen', [{ role: 'citizen', areaCode: 'VN' }], ids.person);
  ids.otherPerson = (await createPerson(t, cookies.national!, { fullName: 'Lê Thị Khác', sex: 'female', communeCode: BA_DINH })).id;
  await sign('otherCitizen', [{ role: 'citizen', areaCode: 'VN' }], ids.otherPerson);
  ids.venue = (await createVenue(t, cookies.owner!, { name: 'Quán cơm' })).id;
  ids.otherVenue = (await createVenue(t, cookies.otherOwner!, { name: 'Quán nước' })).id;
  const batch = await api(t, cookies.owner!, 'POST', `/api/venues/${ids.venue}/checkins/batch`, {
    checkins: Array.from({ length: 16 }, (_, i) => ({ personId: ids.person, checkedInAt: new Date(Date.now() - (i + 10) * 60_000).toISOString(), clientId: uuid() })),
  });
  checkinIds.push(...batch.json().items.map((i: { id: string }) => i.id));
});
afterAll(async () => {
  await t?.close();
});

interface Route {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: () => string;
  body?: () => unknown;
  /** The route acts on ids.venue: another owner gets 404. */
  onVenue: boolean;
  ok: number;
}

const at = () => new Date(Date.now() - 60_000).toISOString();
const routes: Route[] = [
  { name: 'register venue', method: 'POST', url: () => '/api/venues', body: () => ({ name: 'Mới', type: 'event', communeCode: BA_DINH }), onVenue: false, ok: 201 },
  { name: 'list venues', method: 'GET', url: () => '/api/venues', onVenue: false, ok: 200 },
  { name: 'read venue', method: 'GET', url: () => `/api/venues/${ids.venue}`, onVenue: true, ok: 200 },
  { name: 'edit venue', method: 'PATCH', url: () => `/api/venues/${ids.venue}`, body: () => ({ version: 1, openingHours: '24/7' }), onVenue: true, ok: 200 },
  { name: 'check a visitor in', method: 'POST', url: () => `/api/venues/${ids.venue}/checkins`, body: () => ({ personId: ids.person, checkedInAt: at(), clientId: uuid() }), onVenue: true, ok: 201 },
  { name: 'sync the offline queue', method: 'POST', url: () => `/api/venues/${ids.venue}/checkins/batch`, body: () => ({ checkins: [{ personId: ids.person, checkedInAt: at(), clientId: uuid() }] }), onVenue: true, ok: 200 },
  { name: 'check a visitor out', method: 'POST', url: () => `/api/venues/${ids.venue}/checkins/${checkinIds.shift()}/checkout`, body: () => ({}), onVenue: true, ok: 200 },
  { name: 'visitor list', method: 'GET', url: () => `/api/venues/${ids.venue}/visitors`, onVenue: true, ok: 200 },
  { name: 'self check-in', method: 'POST', url: () => '/api/me/checkins', body: () => ({ venueId: ids.venue, checkedInAt: at(), clientId: uuid() }), onVenue: false, ok: 201 },
  { name: 'self check-out', method: 'POST', url: () => `/api/me/checkins/${checkinIds.shift()}/checkout`, body: () => ({}), onVenue: false, ok: 200 },
];
const selfRoutes = routes.filter((r) => r.name.startsWith('self '));
const venueRoutes = routes.filter((r) => !selfRoutes.includes(r));
const call = (who: string | null, r: Route) => api(t, who ? cookies[who]! : null, r.method, r.url(), r.body?.());

describe('every route', () => {
  it.each(routes)('$name: 401 without a session, nothing stored', async (r) => {
    const before = [await countRows(t, 'venues'), await countRows(t, 'checkins')];
    const res = await call(null, r);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('unauthenticated');
    expect([await countRows(t, 'venues'), await countRows(t, 'checkins')]).toEqual(before);
  });

  it('refuses before validating: 401/403 even for a malformed request', async () => {
    expect((await api(t, null, 'POST', '/api/venues/not-a-uuid/checkins/batch', { nonsense: true })).statusCode).toBe(401);
    expect((await api(t, cookies.citizen!, 'POST', '/api/venues', { nonsense: true })).statusCode).toBe(403);
  });

  it.each(venueRoutes)('$name: 403 for a citizen (wrong role)', async (r) => {
    const res = await call('citizen', r);
    expect(res.statusCode).toBe(403);
  });

  it.each(selfRoutes)('$name: 403 for a business administrator (no self:read) and for the national administrator', async (self) => {
    expect((await call('owner', self)).statusCode).toBe(403);
    expect((await call('national', self)).statusCode).toBe(403);
  });

  it("self check-out: another citizen's check-in is 404 and stays open", async () => {
    const id = checkinIds.shift()!;
    const res = await api(t, cookies.otherCitizen!, 'POST', `/api/me/checkins/${id}/checkout`, {});
    expect(res.statusCode).toBe(404);
    const row = await t.conn.db.selectFrom('checkins').select('checked_out_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.checked_out_at).toBeNull();
  });

  it.each(venueRoutes.filter((r) => r.onVenue))("$name: another owner's venue is 404", async (r) => {
    const res = await call('otherOwner', r);
    expect(res.statusCode).toBe(404);
  });

  it.each(venueRoutes.filter((r) => ['check a visitor in', 'sync the offline queue', 'check a visitor out', 'visitor list'].includes(r.name)))(
    '$name: 403 for staff who can read the venue but do not own it, and for a tracer',
    async (r) => {
      expect((await call('staffBiz', r)).statusCode).toBe(403);
      expect((await call('tracer', r)).statusCode).toBe(403);
    },
  );

  it('another owner does not see the venue in lists', async () => {
    const list = (await api(t, cookies.otherOwner!, 'GET', '/api/venues')).json();
    expect(list.items.map((v: { id: string }) => v.id)).toEqual([ids.otherVenue]);
  });

  it.each(routes)('$name: allowed for the right actor', async (r) => {
    const who = selfRoutes.includes(r) ? 'citizen' : 'owner';
    const res = await call(who, r);
    expect(res.statusCode, res.body).toBe(r.ok);
  });

  it.each(venueRoutes)('$name: the national administrator may', async (r) => {
    const res = r.method === 'PATCH'
      ? await api(t, cookies.national!, 'PATCH', r.url(), { version: (await api(t, cookies.national!, 'GET', r.url())).json().version, openingHours: 'Cả ngày' })
      : r.name === 'register venue'
        ? await api(t, cookies.national!, 'POST', '/api/venues', { name: 'Chốt', type: 'checkpoint', communeCode: BA_DINH, ownerUserId: ids['user:owner'] })
        : await call('national', r);
    expect(res.statusCode, res.body).toBe(r.ok);
  });
});
