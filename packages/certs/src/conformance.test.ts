import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checks, type Outcome } from './testing/conformance';
import { loadVectors, vectorsDir } from './testing/vectors';

const deviationsFile = path.resolve(import.meta.dirname, '../conformance-deviations.json');
const deviations = JSON.parse(readFileSync(deviationsFile, 'utf8')) as Record<string, string>;
const vectors = loadVectors();

describe('EU DCC conformance vectors', () => {
  const run = vectors.length > 0 ? it : it.skip;
  run(`every vector in ${vectorsDir} behaves as its EXPECTEDRESULTS say (skipped when the folder is absent)`, async () => {
    type Row = { expTrue: number; okTrue: number; expFalse: number; okFalse: number; skipped: number };
    const table: Record<string, Row> = {};
    const mismatches = new Map<string, string>();
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
    console.log(`${vectors.length} vectors from ${vectorsDir}`);
    console.table(
      Object.fromEntries(
        Object.entries(table).map(([flag, r]) => [flag, { 'expected true': r.expTrue, 'got true': r.okTrue, 'expected false': r.expFalse, 'got false': r.okFalse, skipped: r.skipped }]),
      ),
    );
    const unexpected = [...mismatches].filter(([k]) => !(k in deviations)).map(([k, why]) => `${k}: ${why}`);
    const stale = Object.keys(deviations).filter((k) => !mismatches.has(k));
    console.log(`${mismatches.size} mismatches, all listed in conformance-deviations.json: ${unexpected.length === 0}`);
    expect(unexpected, 'mismatches not listed in conformance-deviations.json').toEqual([]);
    expect(stale, 'listed deviations that now pass (remove them)').toEqual([]);
  });
});
