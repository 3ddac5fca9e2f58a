// Node-only helpers for the EU DCC test vectors (conformance test and bench); not exported by the package.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Revocations } from '../revocation';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const vectorsDir = path.resolve(repoRoot, '../shared/testdata/dcc');
/** Sen's own vectors, same layout (packages/certs/testdata/README.md). */
export const ownVectorsDir = path.resolve(repoRoot, 'packages/certs/testdata');

export interface Vector {
  file: string;
  JSON?: unknown;
  CBOR?: string;
  COSE?: string;
  COMPRESSED?: string;
  BASE45?: string;
  PREFIX?: string;
  '2DCODE'?: string;
  TESTCTX: { CERTIFICATE?: string; VALIDATIONCLOCK?: string; validationClockInstant?: string; SCHEMA?: string; DESCRIPTION?: string; REVOCATIONS?: Revocations };
  EXPECTEDRESULTS: Record<string, boolean>;
}

export function loadVectors(dir = vectorsDir): Vector[] {
  if (!existsSync(dir)) return [];
  const out: Vector[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) {
        const raw = JSON.parse(readFileSync(p, 'utf8')) as Omit<Vector, 'file'>;
        out.push({ ...raw, TESTCTX: raw.TESTCTX ?? {}, EXPECTEDRESULTS: raw.EXPECTEDRESULTS ?? {}, file: path.relative(dir, p) });
      }
    }
  };
  walk(dir);
  return out;
}

export const clockOf = (v: Vector): Date | undefined => {
  const s = v.TESTCTX.VALIDATIONCLOCK ?? v.TESTCTX.validationClockInstant;
  return s ? new Date(s) : undefined;
};
