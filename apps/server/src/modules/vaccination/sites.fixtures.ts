import type { LightMyRequestResponse } from 'fastify';
import { sql } from '@sen/db';
import type { TestApp } from '../../testing/test-app';
import { ok } from './vaccination.fixtures';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export async function call(t: TestApp, cookie: string | null, method: Method, url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return t.app.inject({ method, url, headers: cookie ? { cookie } : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
}

export interface SiteOutT { id: string; version: number; areaCode: string; kind: string; active: boolean; openingDays: number[]; opensAt: string; closesAt: string; capacityPerHour: number; storeId: string | null }
export interface ShiftOutT { id: string; siteId: string; date: string; startsAt: string; endsAt: string; localStart: string; localEnd: string; complete: boolean; missing: string[]; members: { personId: string; role: string; fullName: string }[] }

export const siteBody = (areaCode: string, extra: Record<string, unknown> = {}) => ({
  kind: 'fixed', name: `Điểm tiêm ${areaCode}`, areaCode, address: 'Trạm y tế', capacityPerHour: 60, openingDays: [1, 2, 3, 4, 5], opensAt: '07:30', closesAt: '17:00', ...extra,
});

export async function createSite(t: TestApp, cookie: string, areaCode: string, extra: Record<string, unknown> = {}): Promise<SiteOutT> {
  return ok(call(t, cookie, 'POST', '/api/vaccination/sites', siteBody(areaCode, extra)));
}

let personSerial = 0;
/** A person of the registry in a commune (the caller needs people:write there). */
export async function createPerson(t: TestApp, cookie: string, communeCode: string): Promise<string> {
  personSerial += 1;
  return (await ok<{ id: string }>(call(t, cookie, 'POST', '/api/people', { fullName: `Nhân Viên Số ${personSerial}`, sex: 'unknown', communeCode }))).id;
}

export async function addStaff(t: TestApp, cookie: string, siteId: string, personId: string, role = 'vaccinator') {
  return ok(call(t, cookie, 'POST', `/api/vaccination/sites/${siteId}/staff`, { personId, role }));
}

export async function createShift(t: TestApp, cookie: string, siteId: string, startsAt: string, endsAt: string, members: { personId: string; role?: string }[] = []): Promise<ShiftOutT> {
  return ok(call(t, cookie, 'POST', `/api/vaccination/sites/${siteId}/shifts`, { startsAt, endsAt, members }));
}

export async function siteRows(t: TestApp): Promise<number[]> {
  const r = await sql<{ a: number; b: number; c: number; d: number }>`
    SELECT (SELECT count(*)::int FROM vaccination_sites) AS a, (SELECT count(*)::int FROM site_staff) AS b,
           (SELECT count(*)::int FROM shifts) AS c, (SELECT count(*)::int FROM shift_members) AS d`.execute(t.conn.db);
  const row = r.rows[0]!;
  return [row.a, row.b, row.c, row.d];
}
