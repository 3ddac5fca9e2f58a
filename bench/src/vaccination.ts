import os from 'node:os';
import { Agent, request } from 'undici';
import { connect, uuidv7, type Connection } from '@sen/db';
import { buildApp, createUser, grantsOf, loadConfig, NO_JOBS, SYSTEM_CONTEXT, type Deps, type RequestContext } from '@sen/server';
import { loadDemoPopulation } from '../../packages/cli/src/demo/population';
import { dashboardSummary } from '../../apps/server/src/modules/reports/dashboard';
import { foldReports } from '../../apps/server/src/modules/reports/fold';
import { onEachDatabase, type BenchContext, type Benchmark } from './lib/bench';
import { backendCpuByPid, backendCpuDeltaMs, processCpuMs } from './lib/cpu';
import { openScratch, type BenchDb } from './lib/databases';
import { median, percentile, progress, type Metric } from './lib/report';

/**
 * vaccination:
 * (1) doses recorded per second through the real HTTP API: Fastify listening on a port, POST /api/vaccination/doses
 *     from 50 concurrent keep-alive clients (undici), each dose for a different adult with a site whose store holds
 *     the lot, so every dose passes the rules and is stored (with its audit row and its report delta). The report
 *     fold runs every 5 s meanwhile, as in the server. Median and p95 latency per request.
 * (2) the dashboard (reports' dashboardSummary: totals, doses per day, per vaccine, coverage per province) at N
 *     doses (10,000,000 on PostgreSQL) read from the rollups, beside the same answer computed by plain GROUP BY
 *     queries over the raw doses in the same run; the two answers are compared before timing.
 */
const CLIENTS = 50;
const FOLD_EVERY_MS = 5_000;

export const vaccinationBenchmark: Benchmark = {
  name: 'vaccination',
  description: 'doses/s through the HTTP API (50 clients), dashboard latency at 10M doses: rollups vs GROUP BY over raw doses',
  run: (ctx: BenchContext): Promise<Metric[]> => onEachDatabase(ctx, ctx.size ?? (ctx.quick ? 50_000 : 10_000_000), runOn),
};

async function runOn(kind: BenchDb, fullSize: number, ctx: BenchContext): Promise<Metric[]> {
  // PGlite is one process with one connection: 10M doses would take most of an hour there; it gets 1M.
  const size = kind === 'pglite' && !ctx.size ? Math.min(fullSize, 1_000_000) : fullSize;
  const apiDoses = ctx.quick ? 2_000 : 20_000;
  const scratch = await openScratch(kind, ctx.serverUrl);
  progress(`[vaccination/${kind}] ${scratch.where}`);
  const metric = (name: string, value: number, unit: string, extra: Partial<Metric> = {}): Metric => ({ bench: 'vaccination', metric: name, value, unit, db: kind, size, ...extra });
  const metrics: Metric[] = [];
  try {
    metrics.push(...(await doseThroughput(scratch.conn, kind, apiDoses, ctx.quick ? 15 : 60, ctx.serverUrl, metric)));
    metrics.push(...(await dashboardAtScale(scratch.conn, kind, size, ctx.quick, metric)));
    return metrics;
  } finally {
    await scratch.dispose();
  }
}

type MetricFn = (name: string, value: number, unit: string, extra?: Partial<Metric>) => Metric;

// ---------------------------------------------------------------------------------------------------------------
// (1) doses per second through the API

export async function doseThroughput(conn: Connection, kind: BenchDb, doses: number, budgetS: number, serverUrl: string | undefined, metric: MetricFn): Promise<Metric[]> {
  const warmup = Math.min(500, Math.floor(doses / 10));
  const total = doses + warmup;
  progress(`[vaccination/${kind}] people: ${total.toLocaleString('en')} adults to vaccinate`);
  await loadDemoPopulation(conn, { people: Math.ceil(total * 2.2) + 1_000, seed: 2021, queueDuplicates: false });
  const people = (await conn.pool.query<{ id: string }>(
    `SELECT id FROM people WHERE merged_into IS NULL AND birth_year BETWEEN 1950 AND 2000 AND area_path IS NOT NULL ORDER BY id LIMIT $1`, [total])).rows.map((r) => r.id);
  if (people.length < total) throw new Error(`only ${people.length} adults generated, ${total} needed`);

  // 20 sites in the communes of Hà Nội, each with its store holding a lot of AstraZeneca.
  const communes = (await conn.pool.query<{ code: string; path: string }>(`SELECT code, path::text AS path FROM areas WHERE kind = 'commune' AND path <@ 'VN.01' ORDER BY code LIMIT 20`)).rows;
  const lotId = uuidv7();
  await conn.pool.query(`INSERT INTO vaccine_lots (id, vaccine_code, lot_number, expiry_date, doses_per_vial) VALUES ($1, 'astrazeneca', 'BENCH-AZ-1', '2099-12-31', 10)`, [lotId]);
  const sites: string[] = [];
  for (const c of communes) {
    const storeId = uuidv7();
    const siteId = uuidv7();
    await conn.pool.query(`INSERT INTO vaccine_stores (id, name, level, area_code, area_path) VALUES ($1, $2, 'site', $3, $4::ltree)`, [storeId, `Kho điểm tiêm ${c.code}`, c.code, c.path]);
    await conn.pool.query(
      `INSERT INTO vaccination_sites (id, kind, name, area_code, area_path, capacity_per_hour, opening_days, opens_at, closes_at, store_id)
       VALUES ($1, 'fixed', $2, $3, $4::ltree, 500, '{1,2,3,4,5,6,7}', '00:00', '23:59', $5)`, [siteId, `Điểm tiêm ${c.code}`, c.code, c.path, storeId]);
    await conn.pool.query(`INSERT INTO stock_balances (store_id, lot_id, doses_on_hand) VALUES ($1, $2, 1000000)`, [storeId, lotId]);
    sites.push(siteId);
  }

  // The server, as `sen serve` runs it on this database (its own pool, default size), listening on a port.
  const config = loadConfig({ NODE_ENV: 'development', SEN_LOG_LEVEL: 'silent', SEN_RATE_LIMIT_PER_MINUTE: '100000000', SEN_LOGIN_ATTEMPTS_PER_15_MIN: '1000' });
  const serverConn = kind === 'postgres' ? await connect({ databaseUrl: scratchUrl(serverUrl!), applicationName: 'sen-bench-server' }) : conn;
  const app = await buildApp({ conn: serverConn, config, jobs: NO_JOBS, logger: false });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const username = 'bench.staff';
  await createUser({ db: conn.db, config, jobs: NO_JOBS }, SYSTEM_CONTEXT, { username, displayName: 'Bench', password: 'bench-password-2021', roles: [{ role: 'vaccination_staff', areaCode: '01' }], personId: null });
  const agent = new Agent({ connections: CLIENTS, keepAliveTimeout: 60_000, pipelining: 1 });
  let folding = true;
  const folder = (async () => {
    while (folding) {
      await new Promise((r) => setTimeout(r, FOLD_EVERY_MS));
      if (folding) await foldReports(serverConn.db);
    }
  })();
  try {
    const login = await request(`${address}/api/auth/login`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'bench-password-2021' }) });
    const setCookie = login.headers['set-cookie'];
    await login.body.text();
    const cookie = String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0]!;
    if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode}`);

    let next = 0;
    const failures = new Map<string, number>();
    const post = async (i: number): Promise<number> => {
      const body = JSON.stringify({ id: uuidv7(), personId: people[i], siteId: sites[i % sites.length], lotId });
      const t0 = performance.now();
      const res = await request(`${address}/api/vaccination/doses`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', cookie }, body });
      const text = await res.body.text();
      const ms = performance.now() - t0;
      if (res.statusCode !== 201) {
        const code = `${res.statusCode} ${(JSON.parse(text) as { code?: string }).code ?? ''}`;
        failures.set(code, (failures.get(code) ?? 0) + 1);
      }
      return ms;
    };
    let deadline = Infinity;
    const runClients = async (upTo: number, times: number[]) => {
      await Promise.all(Array.from({ length: CLIENTS }, async () => {
        while (next < upTo && performance.now() < deadline) times.push(await post(next++));
      }));
    };
    progress(`[vaccination/${kind}] warm-up: ${warmup} doses`);
    await runClients(warmup, []);
    const warmFailures = [...failures.entries()];
    if (warmFailures.length) throw new Error(`the dose API refused warm-up doses: ${warmFailures.map(([c, n]) => `${n} x ${c}`).join(', ')}`);
    progress(`[vaccination/${kind}] ${doses.toLocaleString('en')} doses through POST /api/vaccination/doses, ${CLIENTS} clients`);
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    const db0 = await backendCpuByPid(conn);
    const t0 = performance.now();
    // At most N doses or the time budget, whichever comes first (a loaded machine must not stall the run).
    deadline = t0 + budgetS * 1000;
    await runClients(total, times);
    const seconds = (performance.now() - t0) / 1000;
    const nodeCpuMs = processCpuMs(cpu0);
    const db1 = await backendCpuByPid(conn);
    const sent = next;
    doses = times.length;
    if (failures.size) throw new Error(`the dose API refused doses: ${[...failures.entries()].map(([c, n]) => `${n} x ${c}`).join(', ')}`);
    const stored = Number((await conn.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM doses')).rows[0]!.n);
    if (stored !== sent) throw new Error(`${stored} doses stored, ${sent} sent`);
    // The live report agrees with the table before the last fold (pending deltas included).
    const staffCtx = await contextFor(conn, 'national_admin');
    const live = await dashboardSummary({ db: conn.db, config, jobs: NO_JOBS }, staffCtx, {});
    if (live.totals.doses !== sent) throw new Error(`dashboard says ${live.totals.doses} doses, the table holds ${sent}`);
    return [
      metric('api_doses_per_s', doses / seconds, '1/s', { note: `${doses.toLocaleString('en')} doses in ${seconds.toFixed(0)} s (after ${warmup} warm-up), ${CLIENTS} keep-alive clients, fold every ${FOLD_EVERY_MS / 1000} s; target 2,000/s; machine load average ${os.loadavg()[0]!.toFixed(1)} at the end` }),
      metric('api_dose_median_ms', median(times), 'ms'),
      metric('api_dose_p95_ms', percentile(times, 95), 'ms'),
      metric('api_dose_node_cpu_ms', nodeCpuMs / doses, 'ms', { note: 'CPU of this process per dose (server and the 50 clients: same process), all threads' }),
      ...(db0 !== undefined && db1 !== undefined ? [metric('api_dose_db_cpu_ms', backendCpuDeltaMs(db0, db1) / doses, 'ms', { note: "CPU of this database's PostgreSQL backends per dose (/proc)" })] : []),
    ];
  } finally {
    folding = false;
    await folder;
    await agent.close();
    await app.close();
    if (serverConn !== conn) await serverConn.close();
  }
}

function scratchUrl(serverUrl: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/sen_bench_${process.pid}`;
  return u.toString();
}

async function contextFor(conn: Connection, role: string, areaCode = 'VN'): Promise<RequestContext> {
  const path = (await conn.pool.query<{ path: string }>('SELECT path::text AS path FROM areas WHERE code = $1', [areaCode])).rows[0]!.path;
  const roles = [{ code: role, areaCode, areaPath: path }];
  return { actor: { userId: uuidv7(), username: 'bench', displayName: 'Benchmark', personId: null, sessionId: uuidv7(), roles, grants: grantsOf(roles) }, ip: null, requestId: null };
}

// ---------------------------------------------------------------------------------------------------------------
// (2) dashboard at scale

/** Days of the synthetic campaign; people are reused across days (one dose each a day), as the doses FK needs people. */
const CAMPAIGN_DAYS = 200;
const BATCH = 1_000_000;

async function dashboardAtScale(conn: Connection, kind: BenchDb, size: number, quick: boolean, metric: MetricFn): Promise<Metric[]> {
  const existing = Number((await conn.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM doses')).rows[0]!.n);
  const toLoad = Math.max(1, size - existing);
  const peopleNeeded = Math.ceil(toLoad / CAMPAIGN_DAYS) + 1;
  const have = Number((await conn.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM people')).rows[0]!.n);
  if (have < peopleNeeded) await loadDemoPopulation(conn, { people: peopleNeeded - have, seed: 'vaccination-bench', queueDuplicates: false });
  await conn.pool.query(`CREATE UNLOGGED TABLE IF NOT EXISTS bench_people AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM people`);
  await conn.pool.query(`CREATE UNLOGGED TABLE IF NOT EXISTS bench_communes AS SELECT row_number() OVER (ORDER BY code) - 1 AS i, path FROM areas WHERE kind = 'commune'`);
  await conn.pool.query('CREATE INDEX IF NOT EXISTS bench_people_i ON bench_people (i)');
  await conn.pool.query('CREATE INDEX IF NOT EXISTS bench_communes_i ON bench_communes (i)');
  const nPeople = Number((await conn.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_people')).rows[0]!.n);
  const nCommunes = Number((await conn.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_communes')).rows[0]!.n);

  // Bulk load, then fold: INSERT ... SELECT generate_series on the server with the report trigger off and the
  // secondary indexes of doses dropped (rebuilt after), then the deltas the trigger would have written, by one
  // INSERT ... SELECT from doses a slice of days at a time, each slice folded. Dimensions: a commune per dose, one
  // vaccine per commune and week (as allocations went), 45% first doses, 40% second doses completing the series,
  // 15% boosters.
  progress(`[vaccination/${kind}] loading ${toLoad.toLocaleString('en')} doses (INSERT ... SELECT, ${BATCH.toLocaleString('en')} a statement)`);
  const indexes = (await conn.pool.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'doses' AND indexname <> 'doses_pkey'`)).rows;
  await conn.pool.query('ALTER TABLE doses DISABLE TRIGGER doses_report');
  for (const ix of indexes) await conn.pool.query(`DROP INDEX ${ix.name}`);
  const t0 = performance.now();
  for (let start = 0; start < toLoad; start += BATCH) {
    const end = Math.min(toLoad, start + BATCH);
    await conn.pool.query(
      `INSERT INTO doses (id, person_id, administered_at, administered_on, area_path, person_area_path, product, vaccine_code, dose_kind, dose_number,
                          completes_series, catalog_version, source, request_hash)
       SELECT gen_random_uuid(), p.id, (d.day + time '03:00') AT TIME ZONE 'UTC', d.day, c.path, c.path, 'EU/' || v.code, v.code,
              CASE WHEN g.k < 85 THEN 'primary' ELSE 'booster' END, CASE WHEN g.k < 45 OR g.k >= 85 THEN 1 ELSE 2 END, g.k BETWEEN 45 AND 84, '2', 'site', 'bench-load'
         FROM generate_series($1::bigint, $2::bigint - 1) AS s (n)
         CROSS JOIN LATERAL (SELECT (s.n * 7919) % $4 AS ci, (s.n * 31) % 100 AS k) g
         JOIN bench_people p ON p.i = s.n % $3
         JOIN bench_communes c ON c.i = g.ci
         CROSS JOIN LATERAL (SELECT date '2021-07-01' + (s.n / $3)::int AS day) d
         CROSS JOIN LATERAL (SELECT (ARRAY['astrazeneca','pfizer','moderna','verocell','sputnikv','janssen'])[1 + ((g.ci + (s.n / $3) / 7) % 6)::int] AS code) v`,
      [start, end, nPeople, nCommunes],
    );
    progress(`[vaccination/${kind}]   ${end.toLocaleString('en')} / ${toLoad.toLocaleString('en')} (${Math.round(end / ((performance.now() - t0) / 1000)).toLocaleString('en')}/s)`);
  }
  const t1 = performance.now();
  for (const ix of indexes) await conn.pool.query(ix.def);
  await conn.pool.query('ALTER TABLE doses ENABLE TRIGGER doses_report');
  const t2 = performance.now();
  progress(`[vaccination/${kind}] indexes rebuilt in ${((t2 - t1) / 1000).toFixed(1)} s; folding`);
  const lastDay = Math.ceil(toLoad / nPeople);
  const slice = 20;
  for (let day = 0; day < lastDay; day += slice) {
    await conn.pool.query(
      `INSERT INTO report_dose_deltas (area_path, person_area_path, day, vaccine_code, dose_kind, dose_number, completes_series, site_id, lot_id, n, first_booster, age_band)
         SELECT area_path, coalesce(person_area_path, area_path), administered_on, vaccine_code, dose_kind, dose_number, completes_series, site_id, lot_id, 1, report_first_booster(doses),
                report_age_band(person_id, administered_on)
           FROM doses WHERE request_hash = 'bench-load' AND administered_on >= date '2021-07-01' + $1::int AND administered_on < date '2021-07-01' + $2::int`,
      [day, day + slice],
    );
    await foldReports(conn.db);
    progress(`[vaccination/${kind}]   folded days ${day} to ${Math.min(lastDay, day + slice) - 1}`);
  }
  const t3 = performance.now();
  const loadMs = t1 - t0 + (t2 - t1);
  const foldMs = t3 - t2;
  const v0 = performance.now();
  await conn.pool.query('VACUUM ANALYZE doses');
  await conn.pool.query('VACUUM ANALYZE report_counts');
  progress(`[vaccination/${kind}] vacuum analyze ${((performance.now() - v0) / 1000).toFixed(1)} s`);
  const total = Number((await conn.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM doses')).rows[0]!.n);
  const rollupRows = Number((await conn.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM report_counts')).rows[0]!.n);

  const deps: Deps = { db: conn.db, config: loadConfig({ NODE_ENV: 'development' }), jobs: NO_JOBS };
  const out: Metric[] = [
    metric('load_doses_per_s', toLoad / (loadMs / 1000), '1/s', { note: `${toLoad.toLocaleString('en')} doses by INSERT ... SELECT (report trigger off, secondary indexes rebuilt after, included)` }),
    metric('fold_doses_per_s', toLoad / (foldMs / 1000), '1/s', { note: `deltas written from doses by INSERT ... SELECT, then report_fold(), ${slice} days at a time` }),
    metric('rollup_rows', rollupRows, 'rows', { note: `report_counts rows for ${total.toLocaleString('en')} doses (every area level)` }),
  ];
  const cases: { name: string; role: string; area: string; prefix: string }[] = [
    { name: 'country', role: 'national_admin', area: 'VN', prefix: 'VN' },
    { name: 'province', role: 'province_officer', area: '01', prefix: 'VN.01' },
  ];
  for (const c of cases) {
    const rc = await contextFor(conn, c.role, c.area);
    const ours = () => dashboardSummary(deps, rc, {});
    const answer = await ours();
    const plain = await plainDashboard(conn, c.prefix);
    const same = answer.totals.doses === plain.doses && answer.totals.atLeastOneDose === plain.first && answer.totals.fullSeries === plain.full && answer.totals.booster === plain.booster
      && answer.totals.adults18PlusAtLeastOneDose === plain.adults_first && answer.totals.adults18PlusFullSeries === plain.adults_full && answer.totals.adults18PlusBooster === plain.adults_booster
      && JSON.stringify(answer.dosesByDay) === JSON.stringify(plain.byDay) && JSON.stringify(answer.dosesByVaccine) === JSON.stringify(plain.byVaccine)
      && JSON.stringify(answer.coverageByArea.filter((a) => a.atLeastOneDose + a.fullSeries + a.booster > 0).map((a) => [a.areaCode, a.atLeastOneDose, a.fullSeries, a.booster])) === JSON.stringify(plain.coverage);
    if (!same) throw new Error(`the dashboard (${c.name}) and the GROUP BY over raw doses disagree`);
    const runs = quick ? 20 : 100;
    for (let i = 0; i < 5; i++) await ours();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await ours();
      times.push(performance.now() - t0);
    }
    const baseRuns = quick ? 3 : 5;
    const base: number[] = [];
    for (let i = 0; i < baseRuns; i++) {
      const t0 = performance.now();
      await plainDashboard(conn, c.prefix);
      base.push(performance.now() - t0);
    }
    const m = median(times);
    const b = median(base);
    progress(`[vaccination/${kind}] dashboard ${c.name}: ${m.toFixed(1)} ms (GROUP BY ${b.toFixed(0)} ms)`);
    out.push(
      metric(`dashboard_${c.name}_median_ms`, m, 'ms', { baseline: b, ratio: b / m, note: `${runs} runs of dashboardSummary; baseline: the same answer by GROUP BY over ${total.toLocaleString('en')} raw doses, ${baseRuns} runs (identical answers checked)` }),
      metric(`dashboard_${c.name}_p95_ms`, percentile(times, 95), 'ms', { baseline: percentile(base, 95) }),
    );
  }
  return out;
}

/** The dashboard's answer computed the plain way: GROUP BY over the raw doses (the period is the whole campaign). */
async function plainDashboard(conn: Connection, prefix: string) {
  const q = <R extends object>(text: string) => conn.pool.query<R>(text, [prefix]).then((r) => r.rows);
  const counted = `review_status <> 'rejected'`;
  const [totals, byDay, byVaccine, coverage] = await Promise.all([
    q<{ doses: number; first: number; full: number; booster: number; adults_first: number; adults_full: number; adults_booster: number }>(`
      SELECT (SELECT count(*) FROM doses WHERE ${counted} AND area_path <@ $1::ltree)::int AS doses,
             count(*) FILTER (WHERE dose_kind = 'primary' AND dose_number = 1)::int AS first, count(*) FILTER (WHERE completes_series)::int AS full,
             count(*) FILTER (WHERE dose_kind = 'booster' AND dose_number = 1)::int AS booster,
             count(*) FILTER (WHERE dose_kind = 'primary' AND dose_number = 1 AND age >= 18)::int AS adults_first,
             count(*) FILTER (WHERE completes_series AND age >= 18)::int AS adults_full,
             count(*) FILTER (WHERE dose_kind = 'booster' AND dose_number = 1 AND age >= 18)::int AS adults_booster
        FROM (SELECT d.*, sen_age_on(p.birth_date, d.administered_on) AS age FROM doses d JOIN people p ON p.id = d.person_id) d
       WHERE ${counted} AND coalesce(person_area_path, area_path) <@ $1::ltree`),
    q<{ day: string; primary: number; booster: number }>(`
      SELECT administered_on::text AS day, count(*) FILTER (WHERE dose_kind = 'primary')::int AS primary, count(*) FILTER (WHERE dose_kind = 'booster')::int AS booster
        FROM doses WHERE ${counted} AND area_path <@ $1::ltree GROUP BY 1 ORDER BY 1`),
    q<{ vaccine: string; doses: number }>(`SELECT vaccine_code AS vaccine, count(*)::int AS doses FROM doses WHERE ${counted} AND area_path <@ $1::ltree GROUP BY 1 ORDER BY 2 DESC, 1`),
    q<{ code: string; first: number; full: number; booster: number }>(`
      SELECT a.code, count(*) FILTER (WHERE d.dose_kind = 'primary' AND d.dose_number = 1)::int AS first, count(*) FILTER (WHERE d.completes_series)::int AS full,
             count(*) FILTER (WHERE d.dose_kind = 'booster' AND d.dose_number = 1)::int AS booster
        FROM doses d JOIN areas a ON a.path = subpath(coalesce(d.person_area_path, d.area_path), 0, nlevel($1::ltree) + 1)
       WHERE ${counted} AND coalesce(d.person_area_path, d.area_path) <@ $1::ltree GROUP BY a.path, a.code ORDER BY a.path`),
  ]);
  const t = totals[0]!;
  return {
    ...t,
    byDay: byDay.map((r) => ({ day: r.day, primary: r.primary, booster: r.booster })),
    byVaccine,
    coverage: coverage.filter((c) => c.first + c.full + c.booster > 0).map((c) => [c.code, c.first, c.full, c.booster]),
  };
}
