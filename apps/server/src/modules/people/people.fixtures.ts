import type { LightMyRequestResponse } from 'fastify';
import { sql } from '@sen/db';
import type { TestApp } from '../../testing/test-app';

/** Communes of the 2025 gazetteer used by the tests: two in Hà Nội, one in Hồ Chí Minh. */
export const BA_DINH = '00004';
export const NGOC_HA = '00008';
export const THU_DAU_MOT = '25747';

let serial = 100_000;

/** A CCCD consistent with a birth year and sex, registered in Hà Nội (001), with a fresh serial each call. */
export function cccd(birthYear: number, sex: 'male' | 'female'): string {
  const century = Math.floor(birthYear / 100) - 19;
  serial += 1;
  return `001${century * 2 + (sex === 'female' ? 1 : 0)}${String(birthYear % 100).padStart(2, '0')}${serial}`;
}

export async function api(t: TestApp, cookie: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return t.app.inject({ method, url, headers: cookie ? { cookie } : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
}

export async function createPerson(t: TestApp, cookie: string, body: Record<string, unknown>): Promise<{ id: string; version: number } & Record<string, unknown>> {
  const res = await api(t, cookie, 'POST', '/api/people', { sex: 'unknown', communeCode: BA_DINH, ...body });
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function count(t: TestApp, table: 'people' | 'person_identifiers' | 'households' | 'duplicate_candidates' | 'person_merges'): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.conn.db);
  return r.rows[0]!.n;
}

export async function auditRows(t: TestApp, action: string, entityId?: string) {
  let q = t.conn.db.selectFrom('audit_log').selectAll().where('action', '=', action);
  if (entityId) q = q.where('entity_id', '=', entityId);
  return q.orderBy('at').execute();
}
