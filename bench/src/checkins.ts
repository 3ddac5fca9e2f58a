import os from 'node:os';
import pg from 'pg';
import { uuidv7, type Connection } from '@sen/db';
import { PC_COVID_WINDOW_RULE } from '@sen/domain';
import { checkinId, recordCheckins, type CheckinInput } from '../../apps/server/src/modules/checkins/record-checkins';
import { computeTrace } from '../../apps/server/src/modules/tracing/compute-trace';
import type { BenchContext, Benchmark } from './lib/bench';
import { backendCpuByPid, backendCpuDeltaMs, processCpuMs } from './lib/cpu';
import { openScratch, type BenchDb } from './lib/databases';
import { median, percentile, progress, type Metric } from './lib/report';

/**
 * checkins: ingest rate and tracing latency.
 *
 * 1. Ingest: recordCheckins (the server's idempotent batch use case) in batches of 1,000, from one client and
 *    from four at once (PostgreSQL), against the naive one-INSERT-per-row loader in the same run; with the CPU
 *    time per check-in of this process (PGlite runs in it) and of the PostgreSQL backends (/proc), steadier than
 *    rates on a shared machine.
 * 2. Tracing: a synthetic 28-day table (the retention window) of N check-ins, loaded straight into the daily
 *    partitions with INSERT ... SELECT generate_series (each partition loaded detached, indexed, then attached;
 *    two at a time on a server), people visiting about 3 venues a day, half of them at one of their two regular
 *    venues, the other half at a venue drawn with skewed popularity (venue = floor(V * u^2)); venues' default
 *    visit lengths vary (30 to 120 minutes) and 3 % of visits last a working day. Then computeTrace (the tracing
 *    module: findOverlappingVisits + ranking) for random people over 14 days with the PC-COVID 60-minute window,
 *    against a plain self-join of checkins with itself on venue and time, no constant bounds; latency and CPU.
 * 3. Size of the partitions and their indexes.
 */
const FULL_SIZE: Record<BenchDb, number> = { postgres: 100_000_000, pglite: 2_000_000 };
const QUICK_SIZE: Record<BenchDb, number> = { postgres: 300_000, pglite: 100_000 };
const DAYS = 28;
const VISITS_PER_PERSON_DAY = 3;
const CHECKINS_PER_VENUE = 500;
const MINUTE_MS = 60_000;

export const checkinsBenchmark: Benchmark = {
  name: 'checkins',
  description: 'check-in ingest (batch use case vs one INSERT a row), tracing latency over N check-ins (vs plain self-join), table size',
  async run(ctx: BenchContext): Promise<Metric[]> {
    const out: Metric[] = [];
    for (const db of ctx.dbs) {
      const size = ctx.size !== undefined ? (db === 'pglite' ? Math.min(ctx.size, FULL_SIZE.pglite) : ctx.size) : (ctx.quick ? QUICK_SIZE : FULL_SIZE)[db];
      const metrics = await runOn(db, size, ctx);
      out.push(...metrics);
      ctx.record(db, metrics, { size });
    }
    return out;
  },
};

/** A deterministic pseudo-random generator (mulberry32), so runs pick the same people. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The UUID the loader gives synthetic person (kind 1) or venue (kind 2) number n. */
function benchUuid(kind: number, n: number): string {
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}
const UUID_SQL = (kind: number, expr: string) => `(lpad(to_hex(${kind}), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(${expr}), 12, '0'))::uuid`;

async function runOn(kind: BenchDb, size: number, ctx: BenchContext): Promise<Metric[]> {
  const scratch = await openScratch(kind, ctx.serverUrl);
  progress(`[checkins/${kind}] ${scratch.where}`);
  const metric = (name: string, value: number, unit: string, extra: Partial<Metric> = {}): Metric => ({ bench: 'checkins', metric: name, value, unit, db: kind, size, ...extra });
  const metrics: Metric[] = [];
  try {
    const { conn } = scratch;
    const people = Math.max(1_000, Math.round(size / (DAYS * VISITS_PER_PERSON_DAY)));
    const venueCount = Math.max(50, Math.round(size / CHECKINS_PER_VENUE));
    await conn.pool.query('SELECT sen_checkins_maintain(3, $1)', [DAYS]);

    // --- 1. ingest --------------------------------------------------------------------------------------------
    const ingestRows = ctx.quick ? 20_000 : kind === 'postgres' ? 300_000 : 100_000;
    const naiveRows = ctx.quick ? 2_000 : 10_000;
    const random = rng(2021);
    const now = Date.now();
    const makeBatch = (n: number): CheckinInput[] =>
      Array.from({ length: n }, () => {
        const at = now - Math.floor((120 + random() * 300) * MINUTE_MS);
        return {
          clientId: uuidv7(),
          venueId: benchUuid(2, Math.floor(venueCount * random() * random())),
          personId: benchUuid(1, Math.floor(people * random())),
          checkedInAt: new Date(at),
          checkedOutAt: random() < 0.6 ? new Date(at + (5 + Math.floor(random() * 90)) * MINUTE_MS) : null,
          source: 'venue_scan',
        };
      });

    progress(`[checkins/${kind}] naive ingest: ${naiveRows.toLocaleString('en')} check-ins, one INSERT per row`);
    const naiveIngestRun = await measured(conn, naiveRows, () => naiveIngest(conn, makeBatch(naiveRows)));
    const batches = Array.from({ length: Math.ceil(ingestRows / 1_000) }, () => makeBatch(1_000));
    progress(`[checkins/${kind}] batch ingest: ${ingestRows.toLocaleString('en')} check-ins in batches of 1,000, one client`);
    const one = await measured(conn, ingestRows, () => batchIngest(conn, batches, 1));
    metrics.push(
      metric('ingest_per_s', one.perS, '1/s', { baseline: naiveIngestRun.perS, ratio: one.perS / naiveIngestRun.perS, note: `recordCheckins, batches of 1,000, one client; baseline: ${naiveRows.toLocaleString('en')} rows, one INSERT per row; machine load average ${os.loadavg()[0]!.toFixed(1)}` }),
      metric('ingest_cpu_us', one.cpuUs, 'µs', { baseline: naiveIngestRun.cpuUs, ratio: naiveIngestRun.cpuUs / one.cpuUs, note: `CPU of this process per check-in (Node${kind === 'pglite' ? ' and PGlite' : ''})` }),
    );
    if (one.dbCpuUs !== undefined) metrics.push(metric('ingest_db_cpu_us', one.dbCpuUs, 'µs', { baseline: naiveIngestRun.dbCpuUs, ratio: naiveIngestRun.dbCpuUs! / one.dbCpuUs, note: 'CPU of the PostgreSQL backends per check-in (/proc)' }));
    if (kind === 'postgres') {
      const again = Array.from({ length: batches.length }, () => makeBatch(1_000));
      progress(`[checkins/${kind}] batch ingest: ${ingestRows.toLocaleString('en')} check-ins in batches of 1,000, four clients`);
      const four = await measured(conn, ingestRows, () => batchIngest(conn, again, 4));
      metrics.push(metric('ingest_4_clients_per_s', four.perS, '1/s', { baseline: naiveIngestRun.perS, ratio: four.perS / naiveIngestRun.perS, note: 'four concurrent clients, batches of 1,000 (a server takes batches from many venues at once)' }));
      if (four.dbCpuUs !== undefined) metrics.push(metric('ingest_4_clients_db_cpu_us', four.dbCpuUs, 'µs'));
    }
    await conn.pool.query('TRUNCATE checkins');

    // --- 2. the tracing table -------------------------------------------------------------------------------
    progress(`[checkins/${kind}] loading ${size.toLocaleString('en')} check-ins over ${DAYS} days: ${people.toLocaleString('en')} people, ${venueCount.toLocaleString('en')} venues`);
    const load = await loadCheckins(conn, kind, { size, people, venues: venueCount });
    metrics.push(
      metric('load_rows_per_s', size / (load.loadMs / 1000), '1/s', { note: 'INSERT ... SELECT generate_series into detached day partitions, indexes built after, then attached' }),
      metric('load_s', load.loadMs / 1000, 's'),
      metric('vacuum_analyze_s', load.vacuumMs / 1000, 's'),
    );

    // --- 4. size ----------------------------------------------------------------------------------------------
    const sizes = await conn.pool.query<{ heap: string; indexes: string; total: string; rows: string }>(`
      SELECT sum(pg_table_size(relid))::bigint AS heap, sum(pg_indexes_size(relid))::bigint AS indexes,
             sum(pg_total_relation_size(relid))::bigint AS total, sum(c.reltuples)::bigint AS rows
        FROM pg_partition_tree('checkins') t JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf`);
    const s = sizes.rows[0]!;
    const gb = (b: string) => Number(b) / 2 ** 30;
    metrics.push(
      metric('table_size_gb', gb(s.heap), 'GB', { note: `${Number(s.rows).toLocaleString('en')} rows (estimate) in ${DAYS}+ day partitions` }),
      metric('indexes_size_gb', gb(s.indexes), 'GB', { note: 'primary key, (person_id, checked_in_at), (venue_id, checked_in_at) INCLUDE (...), the same for visits over 3 hours' }),
      metric('total_size_gb', gb(s.total), 'GB'),
      metric('bytes_per_checkin', Number(s.total) / size, 'B'),
    );

    // --- 3. tracing latency -----------------------------------------------------------------------------------
    const traces = ctx.quick ? 20 : 60;
    const pick = rng(1975);
    const positives = Array.from({ length: traces + 3 }, () => benchUuid(1, Math.floor(people * pick())));
    const to = new Date();
    const from = new Date(to.getTime() - 14 * 1_440 * MINUTE_MS);
    progress(`[checkins/${kind}] tracing ${traces} positive people over 14 days`);
    let visits = 0;
    let candidates = 0;
    for (const personId of positives.slice(0, 3)) await computeTrace(conn.db, { personId, from, to, rule: PC_COVID_WINDOW_RULE }); // warm-up
    const ours = await timedEach(conn, positives.slice(3), Infinity, async (personId) => {
      const r = await computeTrace(conn.db, { personId, from, to, rule: PC_COVID_WINDOW_RULE });
      visits += r.visits.length;
      candidates += r.candidates.length;
    });
    progress(`[checkins/${kind}]   median ${median(ours.ms).toFixed(1)} ms, ${(visits / traces).toFixed(1)} visits and ${(candidates / traces).toFixed(0)} candidates per person`);

    let naivePairs = 0;
    const naive = await timedEach(conn, positives.slice(3), ctx.quick ? 10_000 : 600_000, async (personId) => {
      const r = await conn.pool.query(SELF_JOIN, [personId, from.toISOString(), to.toISOString()]);
      naivePairs += r.rowCount ?? 0;
    });
    progress(`[checkins/${kind}]   self-join: median ${median(naive.ms).toFixed(1)} ms over ${naive.ms.length} people (${(naivePairs / naive.ms.length).toFixed(0)} pairs each)`);
    const med = median(ours.ms);
    const p95 = percentile(ours.ms, 95);
    const naiveMed = median(naive.ms);
    const naiveP95 = percentile(naive.ms, 95);
    metrics.push(
      metric('trace_median_ms', med, 'ms', { baseline: naiveMed, ratio: naiveMed / med, note: `${traces} people, 14 days, 60-minute window; ${(visits / traces).toFixed(1)} visits, ${(candidates / traces).toFixed(0)} ranked candidates each; baseline: plain self-join over ${naive.ms.length} of them; machine load average ${os.loadavg()[0]!.toFixed(1)}` }),
      metric('trace_p95_ms', p95, 'ms', { baseline: naiveP95, ratio: naiveP95 / p95 }),
      metric('trace_cpu_ms', ours.cpuMs, 'ms', { baseline: naive.cpuMs, ratio: naive.cpuMs / ours.cpuMs, note: `CPU of this process per trace (Node${kind === 'pglite' ? ' and PGlite' : ''})` }),
    );
    if (ours.dbCpuMs !== undefined && naive.dbCpuMs !== undefined) {
      metrics.push(metric('trace_db_cpu_ms', ours.dbCpuMs, 'ms', { baseline: naive.dbCpuMs, ratio: naive.dbCpuMs / ours.dbCpuMs, note: 'CPU of the PostgreSQL backends per trace (/proc)' }));
    }
    return metrics;
  } finally {
    await scratch.dispose();
  }
}

/** What a developer writes first: the table joined with itself on venue and time, no constant bounds on the other side. */
const SELF_JOIN = `
  SELECT a.id AS index_id, b.person_id, b.checked_in_at, b.checked_out_at
    FROM checkins a
    JOIN checkins b ON b.venue_id = a.venue_id
     AND b.checked_in_at <= coalesce(a.checked_out_at, a.checked_in_at + interval '60 minutes') + interval '60 minutes'
     AND coalesce(b.checked_out_at, b.checked_in_at + interval '60 minutes') >= a.checked_in_at - interval '60 minutes'
   WHERE a.person_id = $1 AND a.checked_in_at >= $2 AND a.checked_in_at <= $3 AND b.person_id <> $1`;

async function naiveIngest(conn: Connection, rows: readonly CheckinInput[]): Promise<void> {
  for (const r of rows) {
    await conn.pool.query(
      'INSERT INTO checkins (id, venue_id, person_id, checked_in_at, checked_out_at, source, client_id) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (checked_in_at, id) DO NOTHING',
      [checkinId(r.clientId, new Date(r.checkedInAt)), r.venueId, r.personId, r.checkedInAt, r.checkedOutAt, r.source, r.clientId],
    );
  }
}

async function batchIngest(conn: Connection, batches: readonly CheckinInput[][], clients: number): Promise<void> {
  let next = 0;
  let stored = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const r = await recordCheckins({ db: conn.db }, batch);
        stored += r.inserted.length;
      }
    }),
  );
  const total = batches.reduce((n, b) => n + b.length, 0);
  if (stored !== total) throw new Error(`batch ingest stored ${stored} of ${total}`);
}

/** Rate and CPU per row of `run` storing `rows` rows: this process (with PGlite in it) and the server's backends. */
async function measured(conn: Connection, rows: number, run: () => Promise<void>): Promise<{ perS: number; cpuUs: number; dbCpuUs: number | undefined }> {
  const cpu0 = process.cpuUsage();
  const db0 = await backendCpuByPid(conn);
  const t0 = performance.now();
  await run();
  const seconds = (performance.now() - t0) / 1000;
  const cpuUs = (processCpuMs(cpu0) * 1000) / rows;
  const db1 = await backendCpuByPid(conn);
  return { perS: rows / seconds, cpuUs, dbCpuUs: db0 && db1 ? (backendCpuDeltaMs(db0, db1) * 1000) / rows : undefined };
}

/** Wall time of each call, and the mean CPU per call (this process; the server's backends), within a time budget (at least 3 calls). */
async function timedEach(conn: Connection, people: readonly string[], budgetMs: number, run: (personId: string) => Promise<void>) {
  const ms: number[] = [];
  const cpu0 = process.cpuUsage();
  const db0 = await backendCpuByPid(conn);
  const started = performance.now();
  for (const personId of people) {
    if (ms.length >= 3 && performance.now() - started > budgetMs) break;
    const t0 = performance.now();
    await run(personId);
    ms.push(performance.now() - t0);
  }
  const cpuMs = processCpuMs(cpu0) / ms.length;
  const db1 = await backendCpuByPid(conn);
  return { ms, cpuMs, dbCpuMs: db0 && db1 ? backendCpuDeltaMs(db0, db1) / ms.length : undefined };
}

interface LoadShape {
  size: number;
  people: number;
  venues: number;
}

/**
 * Fills the last DAYS day partitions (Viet Nam days before today) with `size` check-ins, and the venues table.
 * Each partition is detached, dropped and made again as a plain table, filled in check-in time order (as live
 * ingest would leave it), indexed like the parent, given a CHECK matching its bounds (so ATTACH skips its scan)
 * and attached back: building the indexes once is several times faster than keeping them up to date row by row.
 */
async function loadCheckins(conn: Connection, kind: BenchDb, shape: LoadShape): Promise<{ loadMs: number; vacuumMs: number }> {
  const t0 = performance.now();
  await conn.pool.query(`
    INSERT INTO users (id, username, display_name, password_hash) VALUES ('00000000-0000-4000-8000-00000000b0b0', 'bench-owner', 'Bench', 'x')
    ON CONFLICT DO NOTHING`);
  await conn.pool.query(`
    WITH communes AS (SELECT code, path, row_number() OVER (ORDER BY code) - 1 AS i, count(*) OVER () AS n FROM areas WHERE kind = 'commune')
    INSERT INTO venues (id, name, type, commune_code, area_path, owner_user_id, default_visit_minutes)
    SELECT ${UUID_SQL(2, 'v')}, 'Bench venue ' || v,
           (ARRAY['business','business','business','agency','market','school','checkpoint','transport','event','other'])[1 + v % 10],
           c.code, c.path, '00000000-0000-4000-8000-00000000b0b0', (ARRAY[30, 60, 60, 90, 120, 45])[1 + (v / 10) % 6]
      FROM generate_series(0, $1::int - 1) v JOIN communes c ON c.i = v % c.n`, [shape.venues]);

  const parts = await conn.pool.query<{ name: string; lo: string; hi: string }>(`
    SELECT 'checkins_d' || to_char(d, 'YYYYMMDD') AS name, sen_vn_day_start(d)::text AS lo, sen_vn_day_start(d + 1)::text AS hi
      FROM (SELECT sen_vn_day(now()) - i AS d FROM generate_series(1, $1::int) i) days
     ORDER BY d`, [DAYS]);
  const perDay = Math.floor(shape.size / parts.rows.length);
  const days = parts.rows.map((p, i) => ({ ...p, rows: i === parts.rows.length - 1 ? shape.size - perDay * (parts.rows.length - 1) : perDay }));

  // Detach every day first (DETACH locks the parent), then load days in parallel, then attach them all.
  for (const d of days) {
    if ((await conn.pool.query('SELECT to_regclass($1) AS r', [d.name])).rows[0]?.r) {
      await conn.pool.query(`ALTER TABLE checkins DETACH PARTITION ${d.name}`);
      await conn.pool.query(`DROP TABLE ${d.name}`);
    }
  }
  const workers = kind === 'postgres' ? 2 : 1;
  const clients: { query: (text: string, values?: unknown[]) => Promise<unknown>; release: () => Promise<void> }[] = [];
  for (let i = 0; i < workers; i++) {
    if (kind === 'postgres') {
      const c = new pg.Client({ connectionString: await scratchUrl(conn) });
      await c.connect();
      clients.push({ query: (t, v) => c.query(t, v), release: () => c.end() });
    } else {
      clients.push({ query: (t, v) => conn.pool.query(t, v), release: async () => undefined });
    }
  }
  let next = 0;
  let done = 0;
  await Promise.all(
    clients.map(async (c) => {
      if (kind === 'postgres') await c.query(`SET maintenance_work_mem = '1GB'`);
      while (next < days.length) {
        const d = days[next++]!;
        await loadDay(c, d, shape);
        done++;
        progress(`[checkins/${kind}]   ${d.name}: ${d.rows.toLocaleString('en')} rows (${done}/${days.length}, ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      }
    }),
  );
  for (const d of days) {
    await conn.pool.query(`ALTER TABLE checkins ATTACH PARTITION ${d.name} FOR VALUES FROM ('${d.lo}') TO ('${d.hi}')`);
    await conn.pool.query(`ALTER TABLE ${d.name} DROP CONSTRAINT ${d.name}_bounds`);
  }
  const loadMs = performance.now() - t0;

  // Settle the table like autovacuum would (visibility map for index-only scans, statistics), timed apart.
  const v0 = performance.now();
  next = 0;
  await Promise.all(
    clients.map(async (c) => {
      while (next < days.length) await c.query(`VACUUM (ANALYZE) ${days[next++]!.name}`);
    }),
  );
  await conn.pool.query('ANALYZE checkins');
  await conn.pool.query('ANALYZE venues');
  const vacuumMs = performance.now() - v0;
  for (const c of clients) await c.release();
  return { loadMs, vacuumMs };
}

async function scratchUrl(conn: Connection): Promise<string> {
  const r = await conn.pool.query<{ db: string }>('SELECT current_database() AS db');
  const base = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/${r.rows[0]!.db}`;
  return base.toString();
}

async function loadDay(c: { query: (text: string, values?: unknown[]) => Promise<unknown> }, d: { name: string; lo: string; hi: string; rows: number }, shape: LoadShape): Promise<void> {
  await c.query(`CREATE TABLE ${d.name} (LIKE checkins INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  // Check-ins from 05:00 to 24:00 in time order; about 57 % checked out after 5 to 180 minutes, 3 % after 4 to 10
  // hours (a working day; some past midnight, into the next partition). Venue: half at one of the person's two
  // regular venues, half drawn with skewed popularity. Every parameter is inlined as a literal so the planner sees
  // constants.
  await c.query(`
    INSERT INTO ${d.name} (id, venue_id, person_id, checked_in_at, checked_out_at, source, client_id, recorded_at)
    SELECT gen_random_uuid(), ${UUID_SQL(2, 'venue')}, ${UUID_SQL(1, 'person')}, at,
           CASE WHEN r3 < 0.57 THEN at + (5 + 175 * r4 * r4) * interval '1 minute' WHEN r3 < 0.6 THEN at + (240 + 360 * r4) * interval '1 minute' END,
           CASE WHEN r3 < 0.3 THEN 'self_scan' ELSE 'venue_scan' END, gen_random_uuid()::text, at
      FROM (
        SELECT at, person, r3, r4,
               CASE WHEN r1 < 0.5 THEN (person * 7919 + floor(r2 * 2)::bigint * 104729) % ${shape.venues}
                    ELSE least(${shape.venues - 1}, floor(${shape.venues} * r2 * r2)::bigint) END AS venue
          FROM (
            SELECT '${d.lo}'::timestamptz + interval '5 hours' + (g::float8 / ${d.rows}) * interval '19 hours' AS at,
                   floor(random() * ${shape.people})::bigint AS person, random() AS r1, random() AS r2, random() AS r3, random() AS r4
              FROM generate_series(0, ${d.rows - 1}) g
          ) s
      ) t`);
  await c.query(`ALTER TABLE ${d.name} ADD PRIMARY KEY (checked_in_at, id)`);
  await c.query(`CREATE INDEX ON ${d.name} (person_id, checked_in_at)`);
  await c.query(`CREATE INDEX ON ${d.name} (venue_id, checked_in_at) INCLUDE (person_id, checked_out_at, id)`);
  await c.query(`CREATE INDEX ON ${d.name} (venue_id, checked_in_at) INCLUDE (person_id, checked_out_at, id) WHERE checked_out_at - checked_in_at > interval '3 hours'`);
  await c.query(`ALTER TABLE ${d.name} ADD CONSTRAINT ${d.name}_bounds CHECK (checked_in_at >= '${d.lo}' AND checked_in_at < '${d.hi}')`);
}
