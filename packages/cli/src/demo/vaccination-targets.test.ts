import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '@sen/db';
import { loadConfig, NO_JOBS, type Deps } from '@sen/server';
import { createTestConnection } from '../../../../apps/server/src/testing/test-db';
import { runDemo } from './index';
import { loadDemoVaccinationTargets, type TargetsSummary } from './vaccination-targets';

let conn: Connection;
let deps: Deps;
let first: TargetsSummary;

const q = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => (await conn.pool.query<T>(text, params)).rows;

beforeAll(async () => {
  conn = await createTestConnection();
  deps = { db: conn.db, config: loadConfig({ NODE_ENV: 'test' }), jobs: NO_JOBS };
  await runDemo(conn, { people: 3_000, seed: 11, deps, modules: [] });
  first = await loadDemoVaccinationTargets(conn, deps, { seed: 11 });
}, 240_000);
afterAll(async () => {
  await conn?.close();
});

describe('the demo vaccination targets', () => {
  it('puts people in priority groups on province lists, with import records and registrations', async () => {
    expect(first.created).toBe(true);
    expect(first.lists).toBeGreaterThan(5);
    expect(first.entries).toBeGreaterThan(150);
    expect(first.registrations).toBeGreaterThan(20);
    const groups = await q<{ group: string | null; n: number }>(`SELECT priority_group AS group, count(*)::int AS n FROM target_list_entries GROUP BY 1`);
    expect(groups.length).toBeGreaterThan(5);
    // People over 65 are in group 8; every entry's commune lies in its list's province.
    const wrong = await q<{ n: number }>(`
      SELECT count(*)::int AS n FROM target_list_entries e JOIN people p ON p.id = e.person_id JOIN target_lists l ON l.id = e.list_id
       WHERE (extract(year from now())::int - p.birth_year >= 66 AND e.priority_group <> 'G08') OR NOT (e.area_path <@ l.area_path)`);
    expect(wrong[0]!.n).toBe(0);
    const imports = await q<{ status: string; ok: number; failed: number; entries: number }>(`
      SELECT i.status, i.rows_ok AS ok, i.rows_failed AS failed, (SELECT count(*)::int FROM target_list_entries e WHERE e.import_id = i.id) AS entries FROM target_imports i`);
    expect(imports.length).toBe(first.lists);
    expect(imports.every((i) => i.status === 'done' && i.ok === i.entries && i.failed === 2)).toBe(true);
    const open = await q<{ n: number; people: number }>(`SELECT count(*)::int AS n, count(DISTINCT person_id)::int AS people FROM vaccination_registrations WHERE status = 'active'`);
    expect(open[0]!.n).toBe(open[0]!.people);
  });

  it('adds nothing when run again', async () => {
    const before = await q<{ n: number }>(`SELECT (SELECT count(*) FROM target_list_entries) + (SELECT count(*) FROM vaccination_registrations) + (SELECT count(*) FROM target_lists) AS n`);
    const again = await loadDemoVaccinationTargets(conn, deps, { seed: 11 });
    expect(again.created).toBe(false);
    const after = await q<{ n: number }>(`SELECT (SELECT count(*) FROM target_list_entries) + (SELECT count(*) FROM vaccination_registrations) + (SELECT count(*) FROM target_lists) AS n`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});
