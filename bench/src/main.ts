import { bulkBenchmark } from './bulk';
import { certsBenchmark } from './certs';
import { checkinsBenchmark } from './checkins';
import type { BenchContext, Benchmark } from './lib/bench';
import { ALL_DBS, findServer, type BenchDb } from './lib/databases';
import { jsonLine, printTable, progress, writeResults, type Metric } from './lib/report';
import { peopleBenchmark } from './people';
import { vaccinationBenchmark } from './vaccination';
import { verifierBenchmark } from './verifier';

/**
 * `npm run bench` runs every benchmark; `npm run bench -- NAME [NAME...] [--quick] [--db pglite|postgres]
 * [--size N]` runs some. Each prints a table and one JSON line per figure on stdout (progress goes to stderr),
 * and writes bench/results/<name>-<db>-<timestamp>.json.
 */
const BENCHMARKS: readonly Benchmark[] = [peopleBenchmark, bulkBenchmark, certsBenchmark, verifierBenchmark, vaccinationBenchmark, checkinsBenchmark];

function usage(): string {
  return [
    'usage: npm run bench -- [NAME...] [--quick] [--db pglite|postgres] [--size N]',
    '',
    ...BENCHMARKS.map((b) => `  ${b.name.padEnd(8)} ${b.description}`),
    '',
    'PostgreSQL: DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres when it answers (a scratch database is made and dropped).',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const names: string[] = [];
  let quick = false;
  let size: number | undefined;
  let only: BenchDb | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--help' || a === '-h') {
      console.log(usage());
      return;
    } else if (a === '--size' || a.startsWith('--size=')) {
      const v = a.includes('=') ? a.split('=')[1] : args[++i];
      size = Number(v);
      if (!Number.isInteger(size) || size <= 0) throw new Error(`--size takes a positive integer, got ${v}`);
    } else if (a === '--db' || a.startsWith('--db=')) {
      const v = a.includes('=') ? a.split('=')[1] : args[++i];
      if (v !== 'pglite' && v !== 'postgres') throw new Error(`--db takes pglite or postgres, got ${v}`);
      only = v;
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${usage()}`);
    else names.push(a);
  }
  const selected = names.length ? names.map((n) => BENCHMARKS.find((b) => b.name === n) ?? fail(`unknown benchmark ${n}\n${usage()}`)) : BENCHMARKS;

  const serverUrl = only === 'pglite' ? undefined : await findServer();
  if (only === 'postgres' && !serverUrl) throw new Error('no PostgreSQL server answers (set DATABASE_URL)');
  const dbs = ALL_DBS.filter((d) => (only ? d === only : d === 'pglite' || serverUrl));
  if (!serverUrl && only !== 'pglite') progress('No PostgreSQL server answers: running on PGlite only (set DATABASE_URL to include a server).');

  for (const bench of selected) {
    const files: string[] = [];
    const ctx: BenchContext = {
      quick,
      size,
      dbs,
      serverUrl,
      record(db, metrics, meta = {}) {
        files.push(writeResults(bench.name, db, metrics, { quick, ...meta }));
      },
    };
    const started = performance.now();
    const metrics: Metric[] = await bench.run(ctx);
    const sizes = [...new Set(metrics.map((m) => m.size).filter((s) => s !== undefined))];
    printTable(`${bench.name}${sizes.length ? ` (size ${sizes.map((s) => s.toLocaleString('en')).join(', ')})` : ''}${quick ? ' --quick' : ''}: ${((performance.now() - started) / 1000).toFixed(0)} s`, metrics);
    console.log('');
    for (const m of metrics) console.log(jsonLine(m));
    for (const f of files) progress(`results: ${f}`);
  }
}

function fail(message: string): never {
  throw new Error(message);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
