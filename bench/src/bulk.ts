import { bulkInsert, type BulkMethod } from '@sen/db';
import { generatePopulation, HOUSEHOLD_COLUMNS, PERSON_COLUMNS, readCommunes } from '../../packages/cli/src/demo/population';
import { onEachDatabase, type BenchContext, type Benchmark } from './lib/bench';
import { openScratch, type BenchDb } from './lib/databases';
import { median, progress, type Metric } from './lib/report';

/**
 * bulk: the three ways bulkInsert can load rows, on each database: COPY (text format; FROM STDIN on a server,
 * FROM '/dev/blob' on PGlite), chunked multi-row INSERT with bind parameters, and one json_populate_recordset
 * statement per chunk. People rows into the real table with all its indexes, median of three runs each;
 * the baseline is the multi-row INSERT.
 */
const METHODS: readonly BulkMethod[] = ['insert', 'json', 'copy'];

export const bulkBenchmark: Benchmark = {
  name: 'bulk',
  description: 'bulkInsert methods (COPY, multi-row INSERT, json_populate_recordset) loading people rows',
  run: (ctx: BenchContext): Promise<Metric[]> => onEachDatabase(ctx, ctx.size ?? (ctx.quick ? 10_000 : 100_000), runOn),
};

async function runOn(kind: BenchDb, size: number, ctx: BenchContext): Promise<Metric[]> {
  const scratch = await openScratch(kind, ctx.serverUrl);
  try {
    const { conn } = scratch;
    const communes = await readCommunes(conn);
    const households: unknown[][] = [];
    const people: unknown[][] = [];
    for (const h of generatePopulation({ size, seed: 'bulk', communes, duplicateRate: 0 })) {
      households.push(HOUSEHOLD_COLUMNS.map((c) => h.household[c]));
      for (const p of h.people) people.push(PERSON_COLUMNS.map((c) => p[c]));
    }
    const perMethod = new Map<BulkMethod, number[]>();
    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      for (const method of METHODS) {
        await conn.pool.query('TRUNCATE households, people, person_identifiers, duplicate_candidates CASCADE');
        await bulkInsert(conn, 'households', HOUSEHOLD_COLUMNS, households);
        const t0 = performance.now();
        await bulkInsert(conn, 'people', PERSON_COLUMNS, people, { method });
        const rate = people.length / ((performance.now() - t0) / 1000);
        perMethod.set(method, [...(perMethod.get(method) ?? []), rate]);
        progress(`[bulk/${kind}] round ${round + 1}/${rounds} ${method}: ${Math.round(rate).toLocaleString('en')} rows/s`);
      }
    }
    const base = median(perMethod.get('insert')!);
    return METHODS.map((method) => {
      const value = median(perMethod.get(method)!);
      return {
        bench: 'bulk',
        metric: `people_rows_per_s_${method}`,
        value,
        unit: '1/s',
        ...(method === 'insert' ? {} : { baseline: base, ratio: value / base }),
        db: kind,
        size: people.length,
        note: `median of ${rounds} runs into the indexed people table`,
      };
    });
  } finally {
    await scratch.dispose();
  }
}
