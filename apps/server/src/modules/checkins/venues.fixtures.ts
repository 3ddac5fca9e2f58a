import crypto from 'node:crypto';
import { sql } from '@sen/db';
import { vnDayOf } from '@sen/domain';
import type { TestApp } from '../../testing/test-app';
import { api } from '../people/people.fixtures';

export { api, BA_DINH, NGOC_HA, THU_DAU_MOT, cccd, createPerson, auditRows } from '../people/people.fixtures';

export const uuid = () => crypto.randomUUID();

/** An ISO time at a Viet Nam wall-clock time on a Viet Nam day (YYYY-MM-DD, HH:MM). */
export const vnTime = (day: string, hhmm: string) => `${day}T${hhmm}:00+07:00`;
/** The Viet Nam day `daysAgo` days before today. */
export const vnDay = (daysAgo = 0) => vnDayOf(new Date(Date.now() - daysAgo * 86_400_000));

export async function createVenue(t: TestApp, cookie: string, body: Record<string, unknown> = {}): Promise<{ id: string; version: number } & Record<string, unknown>> {
  const res = await api(t, cookie, 'POST', '/api/venues', { name: 'Quán Phở Thìn', type: 'business', communeCode: '00004', ...body });
  if (res.statusCode !== 201) throw new Error(`venue create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function countRows(t: TestApp, table: 'venues' | 'checkins'): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.conn.db);
  return r.rows[0]!.n;
}
