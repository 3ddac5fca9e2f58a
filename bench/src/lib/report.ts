import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One figure of a benchmark, printed as a JSON line of its own (see docs: Benchmarks). */
export interface Metric {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  db?: string;
  size?: number;
  /** Extra context for the table only (not in the JSON line): runs, what the baseline was. */
  note?: string;
}

export const RESULTS_DIR = path.resolve(import.meta.dirname, '../../results');

function round(v: number): number {
  if (!Number.isFinite(v)) return v;
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return Number(v.toFixed(digits));
}

export function jsonLine(m: Metric): string {
  const out: Record<string, unknown> = { bench: m.bench, metric: m.metric, value: round(m.value), unit: m.unit };
  if (m.baseline !== undefined) out.baseline = round(m.baseline);
  if (m.ratio !== undefined) out.ratio = round(m.ratio);
  if (m.db !== undefined) out.db = m.db;
  if (m.size !== undefined) out.size = m.size;
  return JSON.stringify(out);
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '';
  if (!Number.isFinite(v)) return String(v);
  const r = round(v);
  return Math.abs(r) >= 1000 ? r.toLocaleString('en') : String(r);
}

/**
 * A table with one row per metric and, for each database, its value, the baseline and the ratio side by side.
 */
export function printTable(title: string, metrics: readonly Metric[]): void {
  const dbs = [...new Set(metrics.map((m) => m.db ?? '-'))];
  const names = [...new Set(metrics.map((m) => m.metric))];
  const header = ['metric', 'unit', ...dbs.flatMap((d) => [d, 'baseline', 'ratio'])];
  const rows: string[][] = [header];
  const notes: string[] = [];
  for (const name of names) {
    const any = metrics.find((m) => m.metric === name)!;
    const row = [name, any.unit];
    for (const d of dbs) {
      const m = metrics.find((x) => x.metric === name && (x.db ?? '-') === d);
      row.push(fmt(m?.value), fmt(m?.baseline), m?.ratio !== undefined ? `${fmt(m.ratio)}x` : '');
      if (m?.note) notes.push(metrics.every((x) => x.metric !== name || x.note === m.note) ? `${name}: ${m.note}` : `${name} [${d}]: ${m.note}`);
    }
    rows.push(row);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  console.log(`\n${title}`);
  rows.forEach((r, i) => {
    console.log(r.map((c, j) => (j < 2 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
  if (notes.length) {
    console.log('');
    for (const n of [...new Set(notes)]) console.log(`  ${n}`);
  }
}

/** Writes bench/results/<name>-<db>-<timestamp>.json (git-ignored) and returns its path. */
export function writeResults(name: string, db: string, metrics: readonly Metric[], meta: Record<string, unknown>): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(RESULTS_DIR, `${name}-${db}-${stamp}.json`);
  const doc = {
    bench: name,
    db,
    at: new Date().toISOString(),
    machine: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '', memoryGb: Math.round(os.totalmem() / 2 ** 30) },
    ...meta,
    metrics: metrics.map((m) => JSON.parse(jsonLine(m)) as object),
  };
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** Progress on stderr, so stdout keeps only the table and the JSON lines. */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
