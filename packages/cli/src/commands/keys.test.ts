import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import QRCode from 'qrcode';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeHcert, revocationHash, createRevocationBatch, decodeHcert, defaultRuleSet } from '@sen/certs';
import { vnDayOf } from '@sen/domain';
import { buildTrustList, loadFileSigner } from '@sen/certs/node';
import { registerCertCommands } from './cert';
import { registerKeysCommands } from './keys';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sen-keys-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const keysDir = path.join(dir, 'keys');

/** Runs `sen <args>` in process; returns what it printed on stdout and stderr, and the exit code. */
async function sen(...args: string[]) {
  const program = new Command('sen').exitOverride();
  registerKeysCommands(program);
  registerCertCommands(program);
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
  const error = vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
  process.exitCode = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  const code = process.exitCode ?? 0;
  process.exitCode = 0;
  return { out: out.join('\n'), err: err.join('\n'), code };
}

const dcc = (ci: string, dt: string) => ({
  ver: '1.3.0', nam: { fn: 'Đinh', fnt: 'DINH', gn: 'Thị Hoa', gnt: 'THI<HOA' }, dob: '1990-02-03',
  v: [{ tg: '840539006', vp: '1119349007', mp: 'EU/1/20/1528', ma: 'ORG-100030215', dn: 2, sd: 2, dt, co: 'VN', is: 'Ministry of Health of Viet Nam', ci }],
});

describe('sen keys', () => {
  it('init-root, create-signer, rotate, retire, list; private keys 0600; bad input refused', async () => {
    expect((await sen('keys', 'init-root', '--dir', keysDir)).code).toBe(0);
    const again = await sen('keys', 'init-root', '--dir', keysDir);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
    expect((await sen('keys', 'create-signer', '--dir', keysDir, '--usage', 'v,x')).err).toMatch(/--usage takes v, t and\/or r/);
    const first = JSON.parse((await sen('keys', 'create-signer', '--dir', keysDir, '--usage', 'v,r')).out) as { kid: string; kidHex: string; usages: string[] };
    expect(first.usages).toEqual(['v', 'r']);
    expect(fs.statSync(path.join(keysDir, 'signers', first.kidHex, 'key.pem')).mode & 0o777).toBe(0o600);
    const rotated = JSON.parse((await sen('keys', 'rotate', '--dir', keysDir)).out) as { previous: string; current: string; usages: string[] };
    expect(rotated.previous).toBe(first.kid);
    expect(rotated.usages).toEqual(['v', 'r']);
    const refused = await sen('keys', 'retire', rotated.current, '--dir', keysDir);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/rotate/);
    expect((await sen('keys', 'retire', first.kidHex, '--dir', keysDir)).code).toBe(0);
    const list = JSON.parse((await sen('keys', 'list', '--dir', keysDir)).out) as { kid: string; current: boolean; retiredAt: string | null }[];
    expect(list.map((s) => [s.kid, s.current, s.retiredAt !== null])).toEqual([[first.kid, false, true], [rotated.current, true, false]]);
    const tl = JSON.parse((await sen('keys', 'trust-list', '--dir', keysDir, '--out', path.join(dir, 'tl.json'))).out) as { version: number; signers: number };
    expect(tl).toMatchObject({ version: 1, signers: 1 }); // the retired signer left the list
  });
});

describe('sen cert verify with a trust list, revocations, rules and a PNG', () => {
  it('valid with the trust list; revoked; refused by the checkpoint rule before day 14; read from a PNG', async () => {
    // The root and signers were created just now, so everything here is relative to the real clock.
    const signer = await loadFileSigner(keysDir);
    const now = new Date();
    const iso = (ms: number) => new Date(now.getTime() + ms).toISOString();
    const vnDay = (ms: number) => vnDayOf(new Date(now.getTime() + ms));
    const DAY = 86400_000;
    const issue = (ci: string, dt: string) => encodeHcert(dcc(ci, dt), { signer, issuer: 'VN', issuedAt: now, expiresAt: new Date(now.getTime() + 365 * DAY) });
    const good = await issue('URN:UVCI:01:VN:CLI#1', vnDay(-30 * DAY));
    const revoked = await issue('URN:UVCI:01:VN:CLI#2', vnDay(-30 * DAY));
    const recent = await issue('URN:UVCI:01:VN:CLI#3', vnDay(-5 * DAY));
    const h = await revocationHash('UCI', dcc('URN:UVCI:01:VN:CLI#2', ''), decodeHcert(revoked).cose!);
    const list = await buildTrustList(keysDir, { now, ruleSets: [defaultRuleSet()], revocations: { batches: [await createRevocationBatch({ batchId: 'b1', country: 'VN', kid: signer.kid, hashType: 'UCI', expires: new Date(now.getTime() + 365 * DAY), hashes: [h!] })] } });
    const tl = path.join(dir, 'tl2.json');
    fs.writeFileSync(tl, list.json);
    const root = path.join(keysDir, 'csca', 'cert.pem');
    const at = (clock: string, ...rest: string[]) => sen('cert', 'verify', '--trust', tl, '--root', root, '--clock', clock, ...rest);

    const ok = await at(iso(3600_000), good);
    expect(ok.code).toBe(0);
    expect(Object.keys(JSON.parse(ok.out))).toEqual(['valid', 'stages', 'reason']);
    expect(JSON.parse(ok.out)).toEqual({ valid: true, reason: null, stages: { prefix: 'ok', base45: 'ok', inflate: 'ok', cbor: 'ok', cose: 'ok', signature: 'ok', keyUsage: 'ok', expiry: 'ok', schema: 'ok', rules: 'ok' } });

    const rev = await at(iso(3600_000), revoked);
    expect(rev.code).toBe(1);
    expect(JSON.parse(rev.out)).toMatchObject({ valid: false, stages: { signature: 'ok', expiry: 'fail' }, reason: expect.stringMatching(/revoked/) });

    const early = await at(iso(3600_000), recent);
    expect(JSON.parse(early.out)).toMatchObject({ valid: false, stages: { signature: 'ok', rules: 'fail' } });
    expect(early.code).toBe(1);

    // The list is refused once more than 7 days old, with a stale warning between 48 hours and 7 days.
    const stale = await at(iso(3 * DAY), good);
    expect(stale.code).toBe(0);
    expect(stale.err).toMatch(/hours old/);
    const expired = await at(iso(8 * DAY), good);
    expect(expired.code).toBe(2);
    expect(JSON.parse(expired.out).reason).toMatch(/days old/);
    // --max-age-days replaces the limit: a longer one accepts the 8-day-old list, a shorter one refuses at 3 days.
    expect((await at(iso(8 * DAY), good, '--max-age-days', '10')).code).toBe(0);
    expect((await at(iso(3 * DAY), good, '--max-age-days', '2')).code).toBe(2);
    const badAge = await at(iso(3600_000), good, '--max-age-days', 'soon');
    expect(badAge.code).toBe(2);
    expect(JSON.parse(badAge.out).reason).toMatch(/--max-age-days/);

    // A rule set scheduled for later applies from its day at the verification clock, not before.
    const strict = { ...defaultRuleSet(), version: 'strict', validFrom: vnDay(10 * DAY) };
    strict.rules = strict.rules.map((r) => (r.purpose === 'checkpoint' ? { ...r, logic: false } : r));
    const scheduled = await buildTrustList(keysDir, { now, ruleSets: [defaultRuleSet(), strict] });
    const tl3 = path.join(dir, 'tl3.json');
    fs.writeFileSync(tl3, scheduled.json);
    const atScheduled = (ms: number) => sen('cert', 'verify', '--trust', tl3, '--root', root, '--clock', iso(ms), '--max-age-days', '30', good);
    expect(JSON.parse((await atScheduled(9 * DAY)).out)).toMatchObject({ valid: true });
    expect(JSON.parse((await atScheduled(11 * DAY)).out)).toMatchObject({ valid: false, stages: { rules: 'fail' } });

    const png = path.join(dir, 'qr.png');
    await QRCode.toFile(png, good, { errorCorrectionLevel: 'Q' });
    const fromImage = await at(iso(3600_000), '--image', png);
    expect(JSON.parse(fromImage.out).valid).toBe(true);
    fs.writeFileSync(path.join(dir, 'not.png'), 'not a png');
    const badImage = await at(iso(3600_000), '--image', path.join(dir, 'not.png'));
    expect(badImage.code).toBe(2);
    expect(JSON.parse(badImage.out).reason).toMatch(/PNG/);

    // A trust list signed by another root is refused.
    const other = path.join(dir, 'other');
    await sen('keys', 'init-root', '--dir', other);
    const wrongRoot = await sen('cert', 'verify', '--trust', tl, '--root', path.join(other, 'csca', 'cert.pem'), '--clock', iso(3600_000), good);
    expect(wrongRoot.code).toBe(2);
    expect(JSON.parse(wrongRoot.out).reason).toMatch(/signature/);
  });
});
