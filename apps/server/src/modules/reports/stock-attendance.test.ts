import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { wastage } from '@sen/domain';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, BA_DINH, createStore, NGOC_HA, ok } from '../vaccination/vaccination.fixtures';
import { makePlace, newPerson, openSession, uuid, type Place } from '../vaccination/workflow.fixtures';
import { foldReports } from './fold';

/*
 * The stock and attendance reports after a day at a site as it happens, all through the API: registrations,
 * invitations, arrivals, vials issued to two sessions, doses, a session closed with its remainder returned and
 * discarded, expired vials discarded in the store, an allocation to another store. Every figure is compared with
 * the raw rows.
 */
let t: TestApp;
let national: string;
let provinceHN: string;
let communeBD: string;
let place: Place;
let closed: string; // session closed at the end of the test's day
let stillOpen: string; // session still open
let lot: string;

const post = (url: string, body?: unknown) => ok(api(t, national, 'POST', url, body));
const move = (verb: string, body: Record<string, unknown>) => post(`/api/vaccination/stores/${place.storeId}/${verb}`, { lotId: lot, ...body });
const dose = (personId: string, sessionId: string) => post('/api/vaccination/doses', { id: uuid(), personId, sessionId, lotId: lot });
const raw = async <R>(q: ReturnType<typeof sql<R>>) => (await q.execute(t.conn.db)).rows;
const report = async (cookie: string, name: string, query = '') => {
  const res = await api(t, cookie, 'GET', `/api/reports/${name}${query}`);
  if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body}`);
  return (res.json() as { rows: Record<string, unknown>[] }).rows;
};

beforeAll(async () => {
  t = await createTestApp();
  national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  provinceHN = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
  communeBD = (await signInAs(t, [{ role: 'commune_officer', areaCode: BA_DINH }])).cookie;
  place = await makePlace(t, national, national, BA_DINH); // a site store holding 1,000 doses of each lot, a session open today
  lot = place.lots.pfizer;
  closed = place.sessionId;
  stillOpen = await openSession(t, national, place.siteId, ['pfizer']);

  // Registrations: six in Ba Đình at the site (one cancelled), two in Ngọc Hà never invited.
  const registered: string[] = [];
  for (let i = 0; i < 6; i++) {
    const personId = await newPerson(t, national, BA_DINH);
    const reg = await ok<{ id: string }>(api(t, national, 'POST', '/api/vaccination/registrations', { id: uuid(), personId, siteId: place.siteId }));
    if (i === 5) await ok(api(t, national, 'POST', `/api/vaccination/registrations/${reg.id}/cancel`), 200);
    else registered.push(personId);
  }
  for (let i = 0; i < 2; i++) await ok(api(t, national, 'POST', '/api/vaccination/registrations', { id: uuid(), personId: await newPerson(t, national, NGOC_HA), areaCode: NGOC_HA }));
  // The closed session invites the five; three arrive, two of them get their dose; eleven walk in for a dose.
  await ok(api(t, national, 'POST', `/api/vaccination/sessions/${closed}/invitations`), 200);
  // Vials for both sessions: 20 doses to the one that closes, 10 to the one still open.
  await move('issue', { doses: 20, sessionRef: closed });
  await move('issue', { doses: 10, sessionRef: stillOpen });
  for (const [i, personId] of registered.slice(0, 3).entries()) {
    await post(`/api/vaccination/sessions/${closed}/arrivals`, { id: uuid(), personId });
    if (i < 2) await dose(personId, closed);
  }
  for (let i = 0; i < 11; i++) await dose(await newPerson(t, national, BA_DINH), closed);
  for (let i = 0; i < 4; i++) await dose(await newPerson(t, national, BA_DINH), stillOpen);
  // Closing: the invitations settle, the 5 doses left in the opened vial come back and are discarded; 10 expired
  // doses go from the store; 100 doses are allocated to the commune store.
  await ok(api(t, national, 'POST', `/api/vaccination/sessions/${closed}/close`), 200);
  await move('return', { doses: 5, sessionRef: closed });
  await move('discard', { doses: 5, reason: 'opened_vial', note: 'Lọ đã mở còn thừa' });
  await move('discard', { doses: 10, reason: 'expired' });
  const communeStore = (await createStore(t, national, 'commune', BA_DINH)).id;
  await move('allocate', { doses: 100, toStoreId: communeStore });
}, 180_000);
afterAll(async () => {
  await t?.close();
});

describe('stock report', () => {
  it('gives on hand, reserved, days of supply and one wastage per area and lot, equal to the raw ledger and doses', async () => {
    for (const fold of [false, true]) {
      if (fold) await foldReports(t.conn.db);
      const row = (await report(communeBD, 'stock')).find((r) => r.vaccine === 'pfizer')!;
      // From the raw rows.
      const [ledger] = await raw(sql<{ on_hand: number; issued: number; returned: number; discarded: number }>`
        SELECT (SELECT doses_on_hand FROM stock_balances WHERE store_id = ${place.storeId} AND lot_id = ${lot}) AS on_hand,
               -sum(doses) FILTER (WHERE kind = 'issue' AND session_ref = ${closed})::int AS issued, sum(doses) FILTER (WHERE kind = 'return' AND session_ref = ${closed})::int AS returned,
               -sum(doses) FILTER (WHERE kind = 'discard')::int AS discarded
          FROM stock_events WHERE store_id = ${place.storeId} AND lot_id = ${lot}`);
      const [given] = await raw(sql<{ closed: number; all: number }>`
        SELECT count(*) FILTER (WHERE session_id = ${closed})::int AS closed, count(*)::int AS all FROM doses WHERE lot_id = ${lot}`);
      expect(ledger).toEqual({ on_hand: 1000 - 20 - 10 + 5 - 5 - 10, issued: 20, returned: 5, discarded: 15 });
      expect(given).toEqual({ closed: 13, all: 17 });
      const w = wastage({ issued: ledger!.issued, returned: ledger!.returned, given: given!.closed, discarded: ledger!.discarded });
      // 20 issued - 5 returned - 13 given = 2 unaccounted; wasted 15 + 2 = 17 of 30 used.
      expect(w).toEqual({ unaccounted: 2, wasted: 17, used: 30, wastagePct: 56.67 });
      expect(row).toMatchObject({
        areaCode: BA_DINH, vaccine: 'pfizer', onHand: ledger!.on_hand, reserved: 100, dosesLast7Days: given!.all,
        daysOfSupply: Math.round((ledger!.on_hand / (given!.all / 7)) * 10) / 10,
        issued: 20, returned: 5, given: 13, unaccounted: 2, discarded_opened_vial: 5, discarded_expired: 10, wasted: 17, wastagePct: w.wastagePct,
      });
    }
  });

  it('sums the stores of a province and keeps other lots and areas apart', async () => {
    const rows = await report(provinceHN, 'stock');
    const pfizer = rows.filter((r) => r.vaccine === 'pfizer');
    expect(pfizer).toHaveLength(1);
    expect(pfizer[0]).toMatchObject({ areaCode: '01', issued: 20, given: 13, wasted: 17 });
    // The other lots of the site were received and never moved: all on hand, nothing used, no wastage rate.
    const others = rows.filter((r) => r.vaccine !== 'pfizer');
    expect(others.map((r) => r.vaccine).sort()).toEqual(['abdala', 'astrazeneca', 'janssen', 'verocell']);
    for (const r of others) expect(r).toMatchObject({ onHand: 1000, issued: 0, wasted: 0, wastagePct: null, daysOfSupply: null });
    expect(await report(national, 'stock', '?area=79')).toEqual([]);
    expect((await api(t, provinceHN, 'GET', '/api/reports/stock?area=79')).statusCode).toBe(404);
    // A period before today: nothing issued or discarded then, still on hand today.
    const before = (await report(provinceHN, 'stock', '?to=2021-12-31')).find((r) => r.vaccine === 'pfizer')!;
    expect(before).toMatchObject({ issued: 0, discarded_expired: 0, given: 0, wasted: 0, onHand: pfizer[0]!.onHand });
  });
});

describe('attendance report', () => {
  it('counts registered but not attended, and invited but not come, as the raw rows', async () => {
    for (const fold of [false, true]) {
      if (fold) await foldReports(t.conn.db);
      const rows = await report(provinceHN, 'attendance');
      const registrations = await raw(sql<{ code: string; status: string; n: number }>`
        SELECT a.code, r.status, count(*)::int AS n FROM vaccination_registrations r JOIN areas a ON a.path = r.area_path GROUP BY 1, 2`);
      const invitations = await raw(sql<{ code: string; status: string; n: number }>`
        SELECT a.code, i.status, count(*)::int AS n FROM vaccination_invitations i JOIN areas a ON a.path = i.area_path GROUP BY 1, 2`);
      const n = (list: typeof registrations, code: string, status: string) => list.find((r) => r.code === code && r.status === status)?.n ?? 0;
      for (const code of [BA_DINH, NGOC_HA]) {
        expect(rows.find((r) => r.areaCode === code), code).toMatchObject({
          registrationsWaiting: n(registrations, code, 'active'), registrationsDone: n(registrations, code, 'done'), registrationsCancelled: n(registrations, code, 'cancelled'),
          invited: n(invitations, code, 'invited'), arrived: n(invitations, code, 'arrived'), noShow: n(invitations, code, 'no_show'),
        });
      }
      // The day as it happened: 3 of 5 invited came (2 vaccinated); the 3 not vaccinated still wait; Ngọc Hà's 2 wait.
      expect(rows.find((r) => r.areaCode === BA_DINH)).toMatchObject({ registrationsWaiting: 3, registrationsDone: 2, registrationsCancelled: 1, arrived: 3, noShow: 2, invited: 0 });
      expect(rows.find((r) => r.areaCode === NGOC_HA)).toMatchObject({ registrationsWaiting: 2, noShow: 0 });
    }
    // A commune has no areas below it: its officer sees the commune itself.
    const own = await report(communeBD, 'attendance');
    expect(own).toEqual([(await report(provinceHN, 'attendance')).find((r) => r.areaCode === BA_DINH)]);
    expect(await report(provinceHN, 'attendance', `?area=${BA_DINH}`)).toEqual(own);
    expect((await api(t, communeBD, 'GET', `/api/reports/attendance?area=${NGOC_HA}`)).statusCode).toBe(404);
  });
});
