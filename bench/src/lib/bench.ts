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
