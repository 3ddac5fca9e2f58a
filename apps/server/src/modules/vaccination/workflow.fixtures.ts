import crypto from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql, uuidv7 } from '@sen/db';
import { vnDayOf } from '@sen/domain';
import { signInAs, type TestApp } from '../../testing/test-app';
import { vnLocal } from './sites-repo';
import { api, BA_DINH, createStore, NGOC_HA, ok } from './vaccination.fixtures';

export const uuid = () => crypto.randomUUID();
export const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
/** The Viet Nam day n days ago. */
export const vnDayAgo = (n: number) => vnDayOf(daysAgo(n));
/** Viet Nam local YYYY-MM-DDTHH:MM for an instant. */
export const local = vnLocal;

export type Call = (cookie: string | null, method: 'GET' | 'POST', url: string, payload?: unknown) => Promise<LightMyRequestResponse>;

export interface World {
  national: string;
  staff: string; // vaccination_staff of Ba Đình
  staff2: string; // a second vaccination_staff of Ba Đình (reviewer)
  officer: string; // commune_officer of Ba Đình: vaccination:read only
  otherStaff: string; // vaccination_staff of Ngọc Hà
  citizen: string;
  citizenPersonId: string;
  siteId: string;
  storeId: string;
  sessionId: string;
  lots: Record<'astrazeneca' | 'pfizer' | 'janssen' | 'abdala' | 'verocell', string>;
}

let serial = 0;

export async function createLotRow(t: TestApp, vaccineCode: string, expiryDate = '2099-12-31'): Promise<string> {
  serial += 1;
  const id = uuidv7();
  await t.conn.db.insertInto('vaccine_lots').values({ id, vaccine_code: vaccineCode, lot_number: `${vaccineCode.toUpperCase()}-${process.pid}-${serial}`, expiry_date: expiryDate, doses_per_vial: 10 }).execute();
  return id;
}

export async function receive(t: TestApp, cookie: string, storeId: string, lotId: string, doses = 1000) {
  return ok(api(t, cookie, 'POST', `/api/vaccination/stores/${storeId}/receive`, { lotId, doses }));
}

export async function newPerson(t: TestApp, cookie: string, communeCode = BA_DINH, birthDate: string | null = '1980-05-01', extra: Record<string, unknown> = {}): Promise<string> {
  serial += 1;
  return (await ok<{ id: string }>(api(t, cookie, 'POST', '/api/people', { fullName: `Người Tiêm Số ${serial}`, sex: 'female', birthDate, communeCode, ...extra }))).id;
}

export async function buildWorld(t: TestApp): Promise<World> {
  const national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  const staff = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
  const staff2 = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
  const officer = (await signInAs(t, [{ role: 'commune_officer', areaCode: BA_DINH }])).cookie;
  const otherStaff = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: NGOC_HA }])).cookie;
  const citizenPersonId = await newPerson(t, national);
  const citizen = (await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }], { personId: citizenPersonId })).cookie;
  const place = await makePlace(t, national, staff, BA_DINH);
  const { siteId, storeId, sessionId, lots } = place;
  return { national, staff, staff2, officer, otherStaff, citizen, citizenPersonId, siteId, storeId, sessionId, lots };
}

export interface Place {
  siteId: string;
  storeId: string;
  sessionId: string;
  lots: World['lots'];
}

/** A site of a commune with its store holding a lot of each vaccine, and an open session today. */
export async function makePlace(t: TestApp, national: string, opener: string, communeCode: string): Promise<Place> {
  const store = await createStore(t, national, 'site', communeCode);
  const site = await ok<{ id: string }>(api(t, national, 'POST', '/api/vaccination/sites', {
    kind: 'fixed', name: `Điểm tiêm ${communeCode}`, areaCode: communeCode, capacityPerHour: 60, openingDays: [1, 2, 3, 4, 5, 6, 7], opensAt: '00:00', closesAt: '23:59', storeId: store.id,
  }));
  const lots = {} as World['lots'];
  for (const code of ['astrazeneca', 'pfizer', 'janssen', 'abdala', 'verocell'] as const) {
    lots[code] = await createLotRow(t, code);
    await receive(t, national, store.id, lots[code]);
  }
  const sessionId = await openSession(t, opener, site.id, Object.keys(lots));
  return { siteId: site.id, storeId: store.id, sessionId, lots };
}

/** A session from 6 hours ago to 6 hours ahead, opened. */
export async function openSession(t: TestApp, cookie: string, siteId: string, vaccines: string[]): Promise<string> {
  const s = await ok<{ id: string }>(api(t, cookie, 'POST', '/api/vaccination/sessions', {
    siteId, startsAt: local(new Date(Date.now() - 6 * 3_600_000)), endsAt: local(new Date(Date.now() + 6 * 3_600_000)), vaccines, capacity: 500,
  }));
  await ok(api(t, cookie, 'POST', `/api/vaccination/sessions/${s.id}/open`), 200);
  return s.id;
}

export function doseBody(w: World, personId: string, lot: keyof World['lots'], extra: Record<string, unknown> = {}) {
  return { id: uuid(), personId, sessionId: w.sessionId, lotId: w.lots[lot], ...extra };
}

export function backfillBody(personId: string, vaccineCode: string, daysBack: number, extra: Record<string, unknown> = {}) {
  return { id: uuid(), personId, vaccineCode, administeredOn: vnDayAgo(daysBack), source: 'Phiếu tiêm giấy', evidenceNote: 'Đã xem phiếu xác nhận tiêm', ...extra };
}

export async function doseCount(t: TestApp, personId?: string): Promise<number> {
  const r = personId
    ? await sql<{ n: number }>`SELECT count(*)::int AS n FROM doses WHERE person_id = ${personId}`.execute(t.conn.db)
    : await sql<{ n: number }>`SELECT count(*)::int AS n FROM doses`.execute(t.conn.db);
  return r.rows[0]!.n;
}

export async function tableCounts(t: TestApp): Promise<number[]> {
  const r = await sql<{ a: number; b: number; c: number; d: number; e: number }>`
    SELECT (SELECT count(*)::int FROM vaccination_sessions) AS a, (SELECT count(*)::int FROM session_arrivals) AS b, (SELECT count(*)::int FROM screenings) AS c,
           (SELECT count(*)::int FROM doses) AS d, (SELECT count(*)::int FROM adverse_events) AS e`.execute(t.conn.db);
  const row = r.rows[0]!;
  return [row.a, row.b, row.c, row.d, row.e];
}
