import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateDscChain } from '../ca';
import { encodeHcert, verifyHcert } from '../hcert';
import { toHex } from '../keys';
import { createSigner, ensureKeys, initRoot, listSigners, loadRootCertificate, retireSigner, rotateSigner, signerKeyPath } from './keystore';
import { loadFileSigner } from './file-signer';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'sen-keys-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const dcc = {
  ver: '1.3.0', nam: { fn: 'Trần', fnt: 'TRAN', gn: 'Thị Đào', gnt: 'THI<DAO' }, dob: '1990-05-01',
  v: [{ tg: '840539006', vp: 'J07BX03', mp: 'EU/1/20/1528', ma: 'ORG-100030215', dn: 2, sd: 2, dt: '2021-09-01', co: 'VN', is: 'Bộ Y tế', ci: 'URN:UVCI:01:VN:TEST#1' }],
};

describe('keys directory and file-backed Signer', () => {
  it('init-root, create-signer: a Signer whose certificate chains to the root signs a verifiable HC1', async () => {
    const dir = tmp();
    await initRoot(dir);
    const info = await createSigner(dir, { usages: ['v'] });
    expect(statSync(signerKeyPath(dir, info.kidHex)).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'csca', 'key.pem')).mode & 0o777).toBe(0o600);
    const signer = await loadFileSigner(dir);
    expect(toHex(signer.kid)).toBe(info.kidHex);
    const chain = await validateDscChain(signer.certificateDer, loadRootCertificate(dir), new Date());
    expect(chain.usages).toEqual(['v']);
    const sig = await signer.sign(new Uint8Array([1, 2, 3]));
    expect(sig.length).toBe(64);
    const now = new Date();
    const qr = await encodeHcert(dcc, { signer, issuer: 'VN', issuedAt: now, expiresAt: new Date(now.getTime() + 86400_000) });
    const r = await verifyHcert(qr, { trust: [{ certificate: signer.certificateDer }], clock: now });
    expect(r.valid).toBe(true);
    expect(r.stages.keyUsage).toBe('ok');
    // A signer for tests only may not sign vaccinations.
    await createSigner(dir, { usages: ['t'] });
    const t = await loadFileSigner(dir);
    const bad = await verifyHcert(await encodeHcert(dcc, { signer: t, issuer: 'VN', issuedAt: now, expiresAt: new Date(now.getTime() + 86400_000) }), { trust: [{ certificate: t.certificateDer }], clock: now });
    expect(bad.stages.keyUsage).toBe('fail');
  });

  it('rotate keeps the old signer; retire refuses the current one and marks an old one retired', async () => {
    const dir = tmp();
    await initRoot(dir);
    await expect(initRoot(dir)).rejects.toMatchObject({ code: 'root_exists' });
    const first = await createSigner(dir, { usages: ['v', 'r'] });
    const { previous, current } = await rotateSigner(dir);
    expect(previous?.kidHex).toBe(first.kidHex);
    expect(current.usages).toEqual(['v', 'r']);
    expect(listSigners(dir).map((s) => [s.kidHex, s.current])).toEqual([[first.kidHex, false], [current.kidHex, true]]);
    expect(() => retireSigner(dir, current.kid)).toThrow(/rotate/);
    expect(retireSigner(dir, first.kid).retiredAt).not.toBeNull();
    expect(listSigners(dir).find((s) => s.kidHex === first.kidHex)?.retiredAt).not.toBeNull();
    await expect(loadFileSigner(dir, first.kidHex)).rejects.toMatchObject({ code: 'signer_retired' });
    expect(() => retireSigner(dir, 'AAAAAAAAAAA=')).toThrow(/No signer/);
  });

  it('ensureKeys creates a demo root and signer once', async () => {
    const dir = tmp();
    const a = await ensureKeys(dir);
    expect(a.created).toBe(true);
    const b = await ensureKeys(dir);
    expect(b).toEqual({ created: false, kid: a.kid });
  });
});
