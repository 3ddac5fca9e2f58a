import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../../../..');
const VECTOR = path.resolve(REPO, '../shared/testdata/dcc/AT/2DCode/raw/1.json');
const haveVector = fs.existsSync(VECTOR);

function sen(args: string[]) {
  const res = spawnSync(process.execPath, [path.join(REPO, 'packages/cli/bin/sen.js'), ...args], { encoding: 'utf8', cwd: REPO });
  return { status: res.status, out: JSON.parse(res.stdout) as { valid: boolean; stages: Record<string, string>; reason: string | null } };
}

describe.skipIf(!haveVector)('sen cert verify (EU test vector AT/1; skipped when ../shared/testdata is absent)', () => {
  const vector = haveVector ? (JSON.parse(fs.readFileSync(VECTOR, 'utf8')) as { PREFIX: string; TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string } }) : null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sen-cert-'));
  const trust = path.join(dir, 'dsc.b64');
  if (vector) fs.writeFileSync(trust, vector.TESTCTX.CERTIFICATE);

  it('prints every stage ok and exits 0 for a valid certificate at its validation clock', () => {
    const { status, out } = sen(['cert', 'verify', '--trust', trust, '--clock', vector!.TESTCTX.VALIDATIONCLOCK, vector!.PREFIX]);
    expect(out.valid).toBe(true);
    expect(out.stages.signature).toBe('ok');
    expect(status).toBe(0);
  });

  it('fails the expiry stage and exits 1 long after the certificate expired', () => {
    const { status, out } = sen(['cert', 'verify', '--trust', trust, '--clock', '2030-01-01T00:00:00Z', vector!.PREFIX]);
    expect(out.valid).toBe(false);
    expect(out.stages.expiry).toBe('fail');
    expect(status).toBe(1);
  });

  it('fails at Base45 for a damaged code', () => {
    const damaged = `${vector!.PREFIX.slice(0, 40)}~~${vector!.PREFIX.slice(42)}`;
    const { status, out } = sen(['cert', 'verify', '--trust', trust, '--clock', vector!.TESTCTX.VALIDATIONCLOCK, damaged]);
    expect(out.stages.prefix).toBe('ok');
    expect(out.stages.base45).toBe('fail');
    expect(out.reason).toBeTruthy();
    expect(status).toBe(1);
  });
});
