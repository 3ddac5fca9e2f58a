import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '@sen/db';
import { loadConfig, NO_JOBS, type Deps } from '@sen/server';
import { createTestConnection } from '../../../../apps/server/src/testing/test-db';
import { runDemo } from './index';
import { loadDemoVaccinationCampaign, type CampaignSummary } from './vaccination-campaign';

let conn: Connection;
let deps: Deps;
let first: CampaignSummary;

const q = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => (await conn.pool.query<T>(text, params)).rows;
const counts = async () => q(`SELECT (SELECT count(*)::int FROM doses) AS doses, (SELECT count(*)::int FROM stock_events) AS events, (SELECT count(*)::int FROM vaccination_sessions) AS sessions`);

beforeAll(async () => {
  conn = await createTestConnection();
  deps = { db: conn.db, config: loadConfig({ NODE_ENV: 'test' }), jobs: NO_JOBS };
  await runDemo(conn, { people: 4_000, seed: 7, deps, modules: [] });
  first = await loadDemoVaccinationCampaign(conn, deps, { seed: 7 });
}, 240_000);
afterAll(async () => {
  await conn?.close();
});

describe('the demo vaccination campaign', () => {
  it('writes a campaign with every kind of record', () => {
    expect(first.created).toBe(true);
    expect(first.doses).toBeGreaterThan(2_000);
    expect(first.boosters).toBeGreaterThan(0);
    expect(first.deferred).toBeGreaterThan(0);
    expect(first.unverifiedBackfills).toBeGreaterThan(0);
    expect(first.noShows).toBeGreaterThan(0);
    expect(first.sessions).toBeGreaterThan(30);
  });

  it('records adverse events, serious ones with their criteria, as counted in the summary', async () => {
    expect(first.adverseEvents).toBeGreaterThan(0);
    const events = await q<{ n: number; serious: number; without_criteria: number; criteria_not_serious: number }>(`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE serious)::int AS serious,
             count(*) FILTER (WHERE serious AND cardinality(serious_criteria) = 0)::int AS without_criteria,
             count(*) FILTER (WHERE NOT serious AND cardinality(serious_criteria) > 0)::int AS criteria_not_serious
        FROM adverse_events`);
    expect(events[0]).toMatchObject({ n: first.adverseEvents, without_criteria: 0, criteria_not_serious: 0 });
    // Each event follows a dose of the campaign, after it.
    const orphans = await q(`SELECT e.id FROM adverse_events e JOIN doses d ON d.id = e.dose_id WHERE e.onset_at < d.administered_at OR e.person_id <> d.person_id`);
    expect(orphans).toEqual([]);
  });

  it('prints the no-shows stored: one invitation per person and session', async () => {
    const stored = await q<{ no_shows: number; pairs: number; invitations: number }>(`
      SELECT count(*) FILTER (WHERE status = 'no_show')::int AS no_shows, count(DISTINCT (session_id, person_id))::int AS pairs, count(*)::int AS invitations
        FROM vaccination_invitations`);
    expect(stored[0]!.no_shows).toBe(first.noShows);
    expect(stored[0]!.pairs).toBe(stored[0]!.invitations);
  });

  it('numbers each person\'s doses 1, 2, 3 in date order, with second doses, an Abdala third dose and mixed schedules', async () => {
    const rows = await q<{ person_id: string; numbers: number[]; vaccines: string[]; kinds: string[] }>(`
      SELECT person_id, array_agg(dose_number ORDER BY administered_at) AS numbers, array_agg(vaccine_code ORDER BY administered_at) AS vaccines,
             array_agg(dose_kind ORDER BY administered_at) AS kinds
      FROM doses WHERE review_status <> 'rejected' GROUP BY person_id`);
    for (const r of rows) expect(r.numbers).toEqual(r.numbers.map((_, i) => i + 1));
    expect(rows.some((r) => r.numbers.length >= 2)).toBe(true);
    expect(rows.some((r) => r.vaccines[0] === 'abdala' && r.numbers.length === 3)).toBe(true);
    expect(rows.some((r) => r.vaccines[0] === 'astrazeneca' && r.vaccines[1] === 'pfizer' && r.kinds[1] === 'primary')).toBe(true);
    expect(rows.some((r) => r.kinds.includes('booster'))).toBe(true);
  });

  it('keeps the stock ledger whole: balances equal the sum of events and never went below zero', async () => {
    const bad = await q(`
      WITH sums AS (SELECT store_id, lot_id, sum(doses)::int AS total, min(balance_after) AS lowest FROM stock_events GROUP BY store_id, lot_id)
      SELECT * FROM stock_balances b FULL JOIN sums s USING (store_id, lot_id)
      WHERE coalesce(b.doses_on_hand, 0) <> coalesce(s.total, 0) OR s.lowest < 0`);
    expect(bad).toEqual([]);
    // Doses given at a site never exceed what was issued to their sessions.
    const over = await q(`
      SELECT d.session_id FROM doses d GROUP BY d.session_id, d.lot_id
      HAVING count(*) > coalesce((SELECT -sum(e.doses) FROM stock_events e WHERE e.kind = 'issue' AND e.session_ref = d.session_id::text AND e.lot_id = d.lot_id), 0)
        AND d.session_id IS NOT NULL`);
    expect(over).toEqual([]);
  });

  it('leaves a session open today with doses under observation', async () => {
    const open = await q<{ n: number }>(`SELECT count(*)::int AS n FROM doses d JOIN vaccination_sessions s ON s.id = d.session_id WHERE s.status = 'open' AND d.observation_done_at IS NULL`);
    expect(open[0]!.n).toBeGreaterThan(0);
  });

  it('adds nothing when run again', async () => {
    const before = await counts();
    const again = await loadDemoVaccinationCampaign(conn, deps, { seed: 7 });
    expect(again.created).toBe(false);
    expect(await counts()).toEqual(before);
  });
});
