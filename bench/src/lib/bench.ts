import type { BenchDb } from './databases';
import type { Metric } from './report';

export interface BenchContext {
  quick: boolean;
  /** --size N overrides the benchmark's own size. */
  size: number | undefined;
  /** The databases to run on (PGlite always; PostgreSQL when a server answers). */
  dbs: readonly BenchDb[];
  serverUrl: string | undefined;
  /** Writes one database's figures to bench/results/. */
  record(db: BenchDb, metrics: readonly Metric[], meta?: Record<string, unknown>): void;
}

export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<Metric[]>;
}

/** Runs a benchmark body on each database in turn at one size, recording each database's figures. */
export async function onEachDatabase(ctx: BenchContext, size: number, runOn: (db: BenchDb, size: number, ctx: BenchContext) => Promise<Metric[]>): Promise<Metric[]> {
  const out: Metric[] = [];
  for (const db of ctx.dbs) {
    const metrics = await runOn(db, size, ctx);
    out.push(...metrics);
    ctx.record(db, metrics, { size });
  }
  return out;
}
