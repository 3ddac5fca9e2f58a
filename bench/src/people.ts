import { uuidv7, type Connection } from '@sen/db';
import { searchForm } from '@sen/domain';
import { loadConfig, NO_JOBS, type Deps, type RequestContext } from '@sen/server';
import { generatePopulation, loadDemoPopulation, readCommunes } from '../../packages/cli/src/demo/population';
import { grantsOf, searchPeople, type PeopleSearch } from '@sen/server';
import { onEachDatabase, type BenchContext, type Benchmark } from './lib/bench';
import { openScratch, type BenchDb } from './lib/databases';
import { median, percentile, progress, type Metric } from './lib/report';

/**
 * people: load a synthetic registry with the bulk path, then search it the way the server does.
 *
 * Load: loadDemoPopulation (generation + COPY, indexes in place, ANALYZE excluded) against a naive loader
 * (one INSERT statement per row through the pool, autocommit) on a sample, both on fresh tables. The tables are
 * then VACUUMed (timed apart) so that searches run on settled tables.
 * Search: searchPeople (the server's use case, audit record included) as a national administrator, against the
 * naive search peer systems do: a sequential scan of sen_fold(full_name) ILIKE '%...%' ordered by name, with the
 * other criteria written so that no index serves them either (substr(birth_date, 1, 4), area_path::text LIKE,
 * phone LIKE '%...%', identifier value LIKE '%...%').
 */
const FULL_SIZE = 1_000_000;
const QUICK_SIZE = 20_000;

interface SearchCase {
  input: PeopleSearch;
  /** The naive query: text and parameters. */
  naive: { text: string; values: unknown[] };
}

type Kind = 'name_folded' | 'name_diacritics' | 'id_number' | 'phone' | 'name_year_area';
const KINDS: readonly Kind[] = ['name_folded', 'name_diacritics', 'id_number', 'phone', 'name_year_area'];

export const peopleBenchmark: Benchmark = {
  name: 'people',
  description: 'load N synthetic people (bulk vs one INSERT a row), then search latency (server search vs naive ILIKE scan)',
  run: (ctx: BenchContext): Promise<Metric[]> => onEachDatabase(ctx, ctx.size ?? (ctx.quick ? QUICK_SIZE : FULL_SIZE), runOn),
};

async function runOn(kind: BenchDb, size: number, ctx: BenchContext): Promise<Metric[]> {
  const scratch = await openScratch(kind, ctx.serverUrl);
  progress(`[people/${kind}] ${scratch.where}`);
  const metric = (name: string, value: number, unit: string, extra: Partial<Metric> = {}): Metric => ({ bench: 'people', metric: name, value, unit, db: kind, size, ...extra });
  const metrics: Metric[] = [];
  try {
    const { conn } = scratch;

    // --- naive load baseline, on empty tables (the most favourable moment for it) -----------------------------
    const sample = ctx.quick ? 1_000 : 5_000;
    progress(`[people/${kind}] naive load: ${sample.toLocaleString('en')} people, one INSERT per row`);
    const naive = await naiveLoad(conn, sample);
    await conn.pool.query('TRUNCATE households, people, person_identifiers, duplicate_candidates CASCADE');

    // --- bulk load ---------------------------------------------------------------------------------------------
    progress(`[people/${kind}] bulk load: ${size.toLocaleString('en')} people`);
    const loaded = await loadDemoPopulation(conn, {
      people: size,
      seed: 2021,
      onProgress: (p) => progress(`[people/${kind}]   ${p.people.toLocaleString('en')} / ${p.total.toLocaleString('en')} (${Math.round(p.people / (p.elapsedMs / 1000)).toLocaleString('en')}/s)`),
    });
    const seconds = loaded.loadMs / 1000;
    const totalRows = loaded.people + loaded.households + loaded.identifiers;
    const peoplePerS = loaded.people / seconds;
    const rowsPerS = totalRows / seconds;
    metrics.push(
      metric('load_people_per_s', peoplePerS, '1/s', { baseline: naive.peoplePerS, ratio: peoplePerS / naive.peoplePerS, note: `baseline: ${sample.toLocaleString('en')} people inserted one row per statement` }),
      metric('load_rows_per_s', rowsPerS, '1/s', { baseline: naive.rowsPerS, ratio: rowsPerS / naive.rowsPerS, note: `${totalRows.toLocaleString('en')} rows: people, households and identifiers` }),
      metric('load_s', seconds, 's'),
      metric('analyze_s', loaded.analyzeMs / 1000, 's'),
    );
    // Settle the tables before timing searches, so autovacuum (which a fresh load triggers) and GIN pending
    // lists do not land in the middle of the measurements.
    const v0 = performance.now();
    await conn.pool.query('VACUUM households, people, person_identifiers');
    metrics.push(metric('vacuum_s', (performance.now() - v0) / 1000, 's'));
    const dbSize = await conn.pool.query<{ b: number }>('SELECT pg_database_size(current_database())::bigint AS b');
    metrics.push(metric('db_size_mb', (dbSize.rows[0]?.b ?? 0) / 2 ** 20, 'MB'));

    // --- search ------------------------------------------------------------------------------------------------
    const runs = ctx.quick ? 200 : 300;
    const cases = await searchCases(conn, runs);
    const deps: Deps = { db: conn.db, config: loadConfig({ NODE_ENV: 'development' }), jobs: NO_JOBS };
    const actorRoles = [{ code: 'national_admin', areaCode: 'VN', areaPath: 'VN' }];
    const rc: RequestContext = {
      actor: { userId: uuidv7(), username: 'bench', displayName: 'Benchmark', personId: null, sessionId: uuidv7(), roles: actorRoles, grants: grantsOf(actorRoles) },
      ip: null,
      requestId: null,
    };
    for (const k of KINDS) {
      const list = cases.get(k)!;
      progress(`[people/${kind}] search ${k}: ${list.length} queries`);
      for (const c of list.slice(0, 10)) await searchPeople(deps, rc, c.input); // warm-up
      const times: number[] = [];
      let found = 0;
      for (const c of list) {
        const t0 = performance.now();
        const res = await searchPeople(deps, rc, c.input);
        times.push(performance.now() - t0);
        if (res.items.length) found++;
      }
      const naiveTimes = await naiveSearch(conn, list, ctx.quick, (msg) => progress(`[people/${kind}] naive ${k}: ${msg}`));
      const ours = median(times);
      const base = median(naiveTimes);
      metrics.push(
        metric(`search_${k}_median_ms`, ours, 'ms', { baseline: base, ratio: base / ours, note: `${times.length} queries (${found} with a hit); baseline ${naiveTimes.length} runs` }),
        metric(`search_${k}_p95_ms`, percentile(times, 95), 'ms'),
      );
    }
    return metrics;
  } finally {
    await scratch.dispose();
  }
}

/** One INSERT statement per row, autocommit, through the pool: what an import written naively does. */
async function naiveLoad(conn: Connection, people: number): Promise<{ peoplePerS: number; rowsPerS: number }> {
  const communes = await readCommunes(conn);
  let rows = 0;
  let persons = 0;
  const t0 = performance.now();
  for (const h of generatePopulation({ size: people, seed: 'naive-baseline', communes })) {
    await conn.pool.query('INSERT INTO households (id, address, commune_code, area_path) VALUES ($1, $2, $3, $4)', [h.household.id, h.household.address, h.household.commune_code, h.household.area_path]);
    rows++;
    for (const p of h.people) {
      await conn.pool.query(
        'INSERT INTO people (id, full_name, search_name, birth_date, sex, phone, address, commune_code, area_path, household_id, household_role) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
        [p.id, p.full_name, p.search_name, p.birth_date, p.sex, p.phone, p.address, p.commune_code, p.area_path, p.household_id, p.household_role],
      );
      rows++;
      persons++;
    }
    for (const i of h.identifiers) {
      await conn.pool.query('INSERT INTO person_identifiers (kind, value, person_id) VALUES ($1, $2, $3)', [i.kind, i.value, i.person_id]);
      rows++;
    }
  }
  const s = (performance.now() - t0) / 1000;
  return { peoplePerS: persons / s, rowsPerS: rows / s };
}

interface SampleRow {
  full_name: string;
  search_name: string;
  birth_year: number | null;
  phone: string | null;
  province: string;
  id_value: string | null;
}

/** Real names, numbers and phones picked from the loaded data (a fixed pseudo-random sample). */
async function searchCases(conn: Connection, runs: number): Promise<Map<Kind, SearchCase[]>> {
  const res = await conn.pool.query<SampleRow>(
    `SELECT p.full_name, p.search_name, p.birth_year, p.phone, subpath(p.area_path, 1, 1)::text AS province,
            (SELECT i.value FROM person_identifiers i WHERE i.person_id = p.id ORDER BY i.kind LIMIT 1) AS id_value
       FROM people p WHERE p.household_id IS NOT NULL
      ORDER BY md5(p.id::text) LIMIT $1`,
    [runs * 3],
  );
  const rows = res.rows;
  const pick = (pred: (r: SampleRow) => boolean) => rows.filter(pred).slice(0, runs);
  const cases = new Map<Kind, SearchCase[]>();
  const baseCols = 'SELECT id, full_name, birth_date, sex, phone, commune_code FROM people';
  const limit = 21;

  cases.set(
    'name_folded',
    pick(() => true).map((r, i) => {
      const words = r.search_name.split(' ');
      if (i % 4 === 1 && words.length >= 3 && r.birth_year) {
        // a partial name and a birth year: "nguyen van" + 1987
        const q = words.slice(0, 2).join(' ');
        return { input: { q, birthYear: r.birth_year, limit: 20, offset: 0 }, naive: { text: `${baseCols} WHERE merged_into IS NULL AND sen_fold(full_name) ILIKE '%' || $1 || '%' AND substr(birth_date, 1, 4) = $2 ORDER BY full_name LIMIT ${limit}`, values: [q, String(r.birth_year)] } };
      }
      // family and given name without the middle: "nguyen an" (i % 4 === 2), else the whole folded name
      const q = i % 4 === 2 && words.length >= 3 ? `${words[0]} ${words.at(-1)}` : r.search_name;
      return { input: { q, limit: 20, offset: 0 }, naive: { text: `${baseCols} WHERE merged_into IS NULL AND sen_fold(full_name) ILIKE '%' || $1 || '%' ORDER BY full_name LIMIT ${limit}`, values: [q] } };
    }),
  );
  cases.set(
    'name_diacritics',
    pick(() => true).map((r) => ({
      input: { q: r.full_name, limit: 20, offset: 0 },
      naive: { text: `${baseCols} WHERE merged_into IS NULL AND sen_fold(full_name) ILIKE '%' || sen_fold($1) || '%' ORDER BY full_name LIMIT ${limit}`, values: [r.full_name] },
    })),
  );
  cases.set(
    'id_number',
    pick((r) => r.id_value !== null).map((r) => ({
      input: { idNumber: r.id_value!, limit: 20, offset: 0 },
      naive: { text: `${baseCols} WHERE merged_into IS NULL AND id IN (SELECT person_id FROM person_identifiers WHERE value LIKE '%' || $1 || '%') ORDER BY full_name LIMIT ${limit}`, values: [r.id_value] },
    })),
  );
  cases.set(
    'phone',
    pick((r) => r.phone !== null).map((r) => ({
      input: { phone: r.phone!, limit: 20, offset: 0 },
      naive: { text: `${baseCols} WHERE merged_into IS NULL AND phone LIKE '%' || $1 || '%' ORDER BY full_name LIMIT ${limit}`, values: [r.phone] },
    })),
  );
  cases.set(
    'name_year_area',
    pick((r) => r.birth_year !== null).map((r) => ({
      input: { q: searchForm(r.full_name), birthYear: r.birth_year!, area: r.province, limit: 20, offset: 0 },
      naive: {
        text: `${baseCols} WHERE merged_into IS NULL AND sen_fold(full_name) ILIKE '%' || $1 || '%' AND substr(birth_date, 1, 4) = $2 AND area_path::text LIKE $3 || '.%' ORDER BY full_name LIMIT ${limit}`,
        values: [r.search_name, String(r.birth_year), `VN.${r.province}`],
      },
    })),
  );
  return cases;
}

/** The naive queries, fewer runs (they scan the table): 20, or fewer when 20 would take over a minute. */
async function naiveSearch(conn: Connection, cases: readonly SearchCase[], quick: boolean, log: (msg: string) => void): Promise<number[]> {
  const maxRuns = 20;
  const budgetMs = quick ? 15_000 : 60_000;
  const times: number[] = [];
  const started = performance.now();
  // spread over the list, so the baseline sees the same mix of queries
  const step = Math.max(1, Math.floor(cases.length / maxRuns));
  await conn.pool.query(cases[0]!.naive.text, cases[0]!.naive.values); // warm-up
  for (let i = 0; i < cases.length && times.length < maxRuns; i += step) {
    const c = cases[i]!;
    const t0 = performance.now();
    await conn.pool.query(c.naive.text, c.naive.values);
    times.push(performance.now() - t0);
    if (times.length >= 5 && performance.now() - started > budgetMs) {
      log(`stopped after ${times.length} runs (time budget)`);
      break;
    }
  }
  return times;
}
