import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checks, type Outcome } from './testing/conformance';
import { loadVectors, ownVectorsDir, vectorsDir } from './testing/vectors';

const deviationsFile = path.resolve(import.meta.dirname, '../conformance-deviations.json');
const deviations = JSON.parse(readFileSync(deviationsFile, 'utf8')) as Record<string, string>;

/** Runs every flag of every vector in `dir`; prints per-flag counts; returns the mismatches. */
async function runVectors(dir: string): Promise<{ count: number; mismatches: Map<string, string>; table: Record<string, Record<string, number>> }> {
  type Row = { expTrue: number; okTrue: number; expFalse: number; okFalse: number; skipped: number };
  const table: Record<string, Row> = {};
  const mismatches = new Map<string, string>();
  const vectors = loadVectors(dir);
  for (const v of vectors) {
    for (const [flag, expected] of Object.entries(v.EXPECTEDRESULTS)) {
      const row = (table[flag] ??= { expTrue: 0, okTrue: 0, expFalse: 0, okFalse: 0, skipped: 0 });
      const check = checks[flag];
      const got: Outcome = check ? await check(v) : 'skip';
      if (got === 'skip') {
        row.skipped++;
        continue;
      }
      if (expected) row.expTrue++;
      else row.expFalse++;
      if (got === expected) {
        if (expected) row.okTrue++;
        else row.okFalse++;
      } else mismatches.set(`${v.file}#${flag}`, `expected ${expected}, got ${got}: ${v.TESTCTX.DESCRIPTION ?? ''}`);
    }
  }
  const printable = Object.fromEntries(
    Object.entries(table).map(([flag, r]) => [flag, { 'expected true': r.expTrue, 'got true': r.okTrue, 'expected false': r.expFalse, 'got false': r.okFalse, skipped: r.skipped }]),
  );
  console.log(`${vectors.length} vectors from ${dir}`);
  console.table(printable);
  return { count: vectors.length, mismatches, table: printable };
}

describe('EU DCC conformance vectors', () => {
  const run = loadVectors().length > 0 ? it : it.skip;
  run(`every vector in ${vectorsDir} behaves as its EXPECTEDRESULTS say (skipped when the folder is absent)`, async () => {
    const { mismatches } = await runVectors(vectorsDir);
    const unexpected = [...mismatches].filter(([k]) => !(k in deviations)).map(([k, why]) => `${k}: ${why}`);
    const stale = Object.keys(deviations).filter((k) => !mismatches.has(k));
    console.log(`${mismatches.size} mismatches, all listed in conformance-deviations.json: ${unexpected.length === 0}`);
    expect(unexpected, 'mismatches not listed in conformance-deviations.json').toEqual([]);
    expect(stale, 'listed deviations that now pass (remove them)').toEqual([]);
  }, 600_000);
});

describe("Sen's own vectors (packages/certs/testdata)", () => {
  it('every vector behaves as its EXPECTEDRESULTS say, with no deviation allowed', async () => {
    const { count, mismatches, table } = await runVectors(ownVectorsDir);
    expect(count).toBeGreaterThanOrEqual(40);
    expect([...mismatches].map(([k, why]) => `${k}: ${why}`)).toEqual([]);
    // Every hostile kind is exercised as an expected failure.
    for (const flag of ['EXPECTEDB45DECODE', 'EXPECTEDCOMPRESSION', 'EXPECTEDDECODE', 'EXPECTEDVERIFY', 'EXPECTEDKEYUSAGE', 'EXPECTEDEXPIRATIONCHECK', 'EXPECTEDNOTREVOKED', 'EXPECTEDCHECKPOINT', 'EXPECTEDGREENQR']) {
      expect(table[flag]?.['got false'], flag).toBeGreaterThan(0);
    }
  }, 300_000);
});
