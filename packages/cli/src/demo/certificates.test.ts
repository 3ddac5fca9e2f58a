import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSigners } from '@sen/certs/node';
import { verifyHcert } from '@sen/certs';
import type { Connection } from '@sen/db';
import { loadConfig, NO_JOBS, type Deps } from '@sen/server';
import { createTestConnection } from '../../../../apps/server/src/testing/test-db';
import { loadDemoCertificates, type CertificatesSummary } from './certificates';
import { runDemo } from './index';

let conn: Connection;
let deps: Deps;
let first: CertificatesSummary;
let keysDir: string;
const q = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => (await conn.pool.query<T>(text, params)).rows;

beforeAll(async () => {
  conn = await createTestConnection();
  keysDir = mkdtempSync(path.join(os.tmpdir(), 'sen-demo-keys-'));
  deps = { db: conn.db, config: loadConfig({ NODE_ENV: 'test', SEN_KEYS_DIR: keysDir }), jobs: NO_JOBS };
  // People, accounts, the campaign's doses and a first certificates run (runDemo's steps in order).
  const t0 = Date.now();
  await runDemo(conn, { people: 4_000, seed: 7, deps, modules: ['vaccination', 'certificates'] });
  console.log(`runDemo with 4,000 people: ${Date.now() - t0} ms on ${conn.kind}`);
  // A second run picks up the people the first left (DEMO_MAX_PEOPLE per run).
  first = await loadDemoCertificates(conn, deps, { seed: 7, log: (s) => console.log(s) });
  console.log(`loadDemoCertificates: ${first.certificates} certificates for ${first.people} people, ${first.passages} passages in ${first.ms} ms on ${conn.kind}`);
}, 300_000);
afterAll(async () => {
  await conn?.close();
});

describe('demo certificates', () => {
  it('certifies people with verified doses (at most 1,000 a run), and nobody without', async () => {
    expect(first.people).toBeLessThanOrEqual(1_000);
    expect(first.checkpoints).toBe(2);
    const [n] = await q<{ certs: number; passages: number }>('SELECT (SELECT count(*)::int FROM certificates) AS certs, (SELECT count(*)::int FROM checkpoint_passages) AS passages');
    expect(n!.certs).toBeGreaterThan(1_000);
    expect(n!.passages).toBeGreaterThan(0);
    const [r] = await q<{ with_doses: number; with_cert: number; cert_without_dose: number }>(`
      SELECT (SELECT count(DISTINCT person_id)::int FROM doses WHERE verified) AS with_doses,
             (SELECT count(DISTINCT person_id)::int FROM certificates) AS with_cert,
             (SELECT count(*)::int FROM certificates c WHERE NOT EXISTS (SELECT 1 FROM doses d WHERE d.id = c.dose_id AND d.verified)) AS cert_without_dose`);
    expect(r!.with_cert).toBe(Math.min(r!.with_doses - first.skippedPeople, 2_000));
    expect(r!.cert_without_dose).toBe(0);
  });

  it('certificates verify with the demo signer', async () => {
    const trust = listSigners(keysDir).map((s) => ({ certificate: s.certificateDer }));
    for (const row of await q<{ hcert: string; dose_number: number; series_doses: number }>('SELECT hcert, dose_number, series_doses FROM certificates ORDER BY id LIMIT 20')) {
      const v = await verifyHcert(row.hcert, { trust });
      expect(v.valid).toBe(true);
      expect(v.payload?.v?.[0]).toMatchObject({ dn: row.dose_number, sd: row.series_doses });
    }
  });

  it('is safe to run again: later runs certify the people left, never twice, and keep the two checkpoints', async () => {
    let again = await loadDemoCertificates(conn, deps, { seed: 7 });
    for (let i = 0; i < 5 && again.certificates > 0; i++) {
      expect(again).toMatchObject({ passages: 0, checkpoints: 2 });
      again = await loadDemoCertificates(conn, deps, { seed: 7 });
    }
    expect(again).toMatchObject({ certificates: 0, passages: 0, checkpoints: 2 });
    const [r] = await q<{ dup: number; k: number; left: number }>(`
      SELECT (SELECT count(*)::int FROM (SELECT dose_id FROM certificates GROUP BY dose_id HAVING count(*) > 1) x) AS dup,
             (SELECT count(*)::int FROM checkpoints) AS k,
             (SELECT count(DISTINCT d.person_id)::int FROM doses d WHERE d.verified AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.person_id = d.person_id)) AS left`);
    expect(r).toEqual({ dup: 0, k: 2, left: again.skippedPeople });
  });
});
