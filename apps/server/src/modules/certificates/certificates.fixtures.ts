import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { ensureKeys } from '@sen/certs/node';
import { sql, uuidv7 } from '@sen/db';
import { createTestApp, type TestApp } from '../../testing/test-app';
import type { Jobs } from '../../jobs';

export const BA_DINH = '00004';
export const NGOC_HA = '00008';

/** A test app with its own keys directory (root + one document signer). */
export async function createCertificatesTestApp(options: { jobs?: Jobs } = {}): Promise<TestApp & { keysDir: string }> {
  const keysDir = mkdtempSync(path.join(os.tmpdir(), 'sen-keys-'));
  await ensureKeys(keysDir);
  const t = await createTestApp({ env: { SEN_KEYS_DIR: keysDir }, jobs: options.jobs });
  return { ...t, keysDir };
}

export async function call(t: TestApp, cookie: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.app.inject({ method, url, headers: { ...(cookie ? { cookie } : {}), ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
}

export async function ok<T = Record<string, unknown>>(res: Promise<LightMyRequestResponse> | LightMyRequestResponse, status = 200): Promise<T> {
  const r = await res;
  if (r.statusCode !== status) throw new Error(`expected ${status}, got ${r.statusCode}: ${r.body}`);
  return r.json() as T;
}

let serial = 0;
export async function createPerson(t: TestApp, cookie: string, communeCode: string, fields: { fullName?: string; birthDate?: string; cccd?: string } = {}): Promise<string> {
  serial += 1;
  const given = ['An', 'Bình', 'Chi', 'Dung', 'Đào', 'Giang', 'Hà', 'Khánh', 'Lan', 'Mai'][serial % 10]!;
  const fullName = fields.fullName ?? `Đặng Thị ${given} ${String.fromCharCode(65 + (Math.floor(serial / 10) % 26))}`;
  const body: Record<string, unknown> = { fullName, sex: 'female', communeCode, birthDate: fields.birthDate ?? '1985-07-14' };
  if (fields.cccd) body.identifiers = [{ kind: 'cccd', value: fields.cccd }];
  return (await ok<{ id: string }>(call(t, cookie, 'POST', '/api/people', body), 201)).id;
}

export interface DoseFields {
  product: string;
  vaccineCode: string;
  day: string;
  kind?: 'primary' | 'booster';
  number: number;
  verified?: boolean;
}

export const AZ = { product: 'EU/1/21/1529', vaccineCode: 'astrazeneca' };
export const PFIZER = { product: 'EU/1/20/1528', vaccineCode: 'pfizer' };
export const JANSSEN = { product: 'EU/1/20/1525', vaccineCode: 'janssen' };

/** A dose row as the sessions module writes it (migration 0011 contract), straight into the table. */
export async function insertDose(t: TestApp, personId: string, d: DoseFields): Promise<string> {
  const id = uuidv7();
  const verified = d.verified ?? true;
  const at = `${d.day}T02:00:00Z`;
  await sql`
    INSERT INTO doses (id, person_id, administered_at, administered_on, area_path, person_area_path, product, vaccine_code, dose_kind, dose_number,
                       completes_series, catalog_version, source, verified, review_status, request_hash)
    SELECT ${id}, p.id, ${at}::timestamptz, sen_vn_day(${at}::timestamptz), p.area_path, p.area_path, ${d.product}, ${d.vaccineCode}, ${d.kind ?? 'primary'}, ${d.number},
           false, '1', ${verified ? 'site' : 'backfill'}, ${verified}, ${verified ? 'confirmed' : 'pending'}, ${createHash('sha256').update(id).digest('hex')}
      FROM people p WHERE p.id = ${personId}`.execute(t.conn.db);
  return id;
}

export async function countRows(t: TestApp, table: string, where = sql`true`): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${where}`.execute(t.conn.db);
  return r.rows[0]!.n;
}
