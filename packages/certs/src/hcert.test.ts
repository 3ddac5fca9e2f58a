import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { base45Encode } from './base45';
import { cborEncode, Tag } from './cbor';
import { decodeHcert, encodeHcert, signHcert, sigStructure, verifyHcert, wrapCose, type KeySigner } from './hcert';
import { createTestChain, EC_PARAMS, EKU_OID, prepareTrust, type TestChain } from './keys';

const vietnamese = {
  ver: '1.3.0',
  nam: { fn: 'Nguyễn Văn', fnt: 'NGUYEN<VAN', gn: 'Đức', gnt: 'DUC' },
  dob: '1985-07-14',
  v: [{ tg: '840539006', vp: '29061000087103', mp: 'EU/1/21/1529', ma: 'ORG-100001699', dn: 2, sd: 2, dt: '2021-10-20', co: 'VN', is: 'Ministry of Health of Viet Nam', ci: 'URN:UVCI:01:VN:HCM/2021/000123456' }],
};
const issuedAt = new Date('2021-12-01T00:00:00Z');
const expiresAt = new Date('2022-12-01T00:00:00Z');
const clock = new Date('2022-03-01T00:00:00Z');
const signerOf = (c: TestChain): KeySigner => ({ privateKey: c.dsc.keys.privateKey, kid: c.dsc.kid, alg: c.dsc.alg });
const enc = (c: TestChain, payload: Record<string, unknown> = vietnamese) => encodeHcert(payload, { signer: signerOf(c), issuer: 'VN', issuedAt, expiresAt });

/** Signs arbitrary protected header / payload bytes, for structures encodeHcert would never produce. */
async function rawCose(c: TestChain, protectedMap: Map<number, unknown>, payload: Uint8Array, tag = 18): Promise<string> {
  const protectedBytes = cborEncode(protectedMap);
  const data = sigStructure({ protectedBytes, payload });
  const params = c.dsc.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSA-PSS', saltLength: 32 };
  const sig = new Uint8Array(await crypto.subtle.sign(params, c.dsc.keys.privateKey, data));
  return wrapCose(cborEncode(new Tag(tag, [protectedBytes, new Map(), payload, sig])));
}
const cwtBytes = (dcc: unknown = vietnamese) =>
  cborEncode(new Map<number, unknown>([[1, 'VN'], [6, issuedAt.getTime() / 1000], [4, expiresAt.getTime() / 1000], [-260, new Map([[1, dcc]])]]));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

describe('HCERT issue and verify', async () => {
  const es = await createTestChain({ usages: [EKU_OID.vaccination] });
  const trust = await prepareTrust([{ certificate: es.dsc.der }]);

  it('round-trips a Vietnamese vaccination certificate (ES256)', async () => {
    const qr = await enc(es);
    expect(qr).toMatch(/^HC1:[0-9A-Z $%*+\-./:]+$/);
    const r = await verifyHcert(qr, { trust, clock });
    expect(r.reason).toBeUndefined();
    expect(r.valid).toBe(true);
    expect(r.stages).toEqual({ prefix: 'ok', base45: 'ok', inflate: 'ok', cbor: 'ok', cose: 'ok', signature: 'ok', keyUsage: 'ok', expiry: 'ok', schema: 'ok', rules: 'skipped' });
    expect(r.payload).toEqual(vietnamese);
    expect(r.payload?.nam.fn).toBe('Nguyễn Văn');
    expect(r.issuer).toBe('VN');
    expect(r.expiresAt).toBe(expiresAt.toISOString());
  });

  it('verifies PS256 signatures', async () => {
    const ps = await createTestChain({ alg: 'PS256' });
    const r = await verifyHcert(await enc(ps), { trust: [{ certificate: ps.dsc.der }], clock });
    expect(r.valid).toBe(true);
  });

  it('tries every key that shares a kid', async () => {
    const other = await createTestChain();
    const shared = await prepareTrust([{ certificate: other.dsc.der, kid: es.dsc.kid }, { certificate: es.dsc.der }]);
    expect(shared.get([...es.dsc.kid].map((b) => b.toString(16).padStart(2, '0')).join(''))).toHaveLength(2);
    expect((await verifyHcert(await enc(es), { trust: shared, clock })).valid).toBe(true);
  });

  it('verifies through Web Crypto (the browser path) for keys without their SPKI, still trying every key with the kid', async () => {
    const opaque = async (c: TestChain) => crypto.subtle.importKey('spki', await crypto.subtle.exportKey('spki', c.dsc.keys.publicKey), EC_PARAMS, false, ['verify']);
    const other = await createTestChain();
    const webOnly = await prepareTrust([{ kid: es.dsc.kid, publicKey: await opaque(other) }, { kid: es.dsc.kid, publicKey: await opaque(es) }]);
    expect([...webOnly.values()][0]!.map((k) => k.spki)).toEqual([undefined, undefined]);
    const good = await verifyHcert(await enc(es), { trust: webOnly, clock });
    expect(good.valid).toBe(true);
    expect(good.stages.signature).toBe('ok');
    const onlyOther = await verifyHcert(await enc(es), { trust: await prepareTrust([{ kid: es.dsc.kid, publicKey: await opaque(other) }]), clock });
    expect(onlyOther.code).toBe('signature_invalid');
  });

  it('runs business rules when given, and fails on them', async () => {
    const r = await verifyHcert(await enc(es), { trust, clock, rules: (d) => ({ ok: (d.v?.[0]?.dn ?? 0) >= 3, reason: 'needs 3 doses' }) });
    expect(r.valid).toBe(false);
    expect(r.stages.rules).toBe('fail');
    expect(r.reason).toBe('needs 3 doses');
  });
});

describe('hostile input', async () => {
  const es = await createTestChain({ usages: [EKU_OID.vaccination] });
  const trust = await prepareTrust([{ certificate: es.dsc.der }]);
  const good = await enc(es);

  it('rejects a missing or wrong prefix', async () => {
    expect((await verifyHcert(good.slice(4), { trust, clock })).stages.prefix).toBe('fail');
    expect((await verifyHcert(`HC2:${good.slice(4)}`, { trust, clock })).stages.prefix).toBe('fail');
  });

  it('rejects truncated Base45', async () => {
    // Cut to 3n+1 Base45 characters: a length no encoder produces.
    const truncated = good.slice(0, 4 + Math.floor((good.length - 5) / 3) * 3 + 1);
    const r = await verifyHcert(truncated, { trust, clock });
    expect(r.stages.base45).toBe('fail');
    expect(r.valid).toBe(false);
  });

  it('rejects a Base45 character outside the alphabet', async () => {
    const r = await verifyHcert(`${good.slice(0, 10)}a${good.slice(11)}`, { trust, clock });
    expect(r.stages.base45).toBe('fail');
    expect(r.code).toBe('base45_invalid');
  });

  it('caps inflate output (zip bomb)', async () => {
    const bomb = `HC1:${base45Encode(zlibSync(new Uint8Array(1024 * 1024), { level: 9 }))}`;
    expect(bomb.length).toBeLessThan(4000);
    const r = await verifyHcert(bomb, { trust, clock });
    expect(r.stages.inflate).toBe('fail');
    expect(r.code).toBe('inflate_too_large');
  });

  it('rejects data that is not zlib', async () => {
    const r = await verifyHcert(`HC1:${base45Encode(new TextEncoder().encode('not compressed at all'))}`, { trust, clock });
    expect(r.stages.inflate).toBe('fail');
  });

  it('rejects a COSE tag other than 18', async () => {
    const r = await verifyHcert(await rawCose(es, new Map<number, unknown>([[1, -7], [4, es.dsc.kid]]), cwtBytes(), 98), { trust, clock });
    expect(r.stages.cose).toBe('fail');
    expect(r.reason).toMatch(/tag 98/);
  });

  it('rejects duplicate map keys in the signed CWT', async () => {
    // a5 = map of 5 pairs, with claim 4 (exp) twice; correctly signed, so only the CBOR rule can catch it.
    const e = (v: unknown) => cborEncode(v);
    const payload = concat(new Uint8Array([0xa5]), e(1), e('VN'), e(4), e(1), e(4), e(expiresAt.getTime() / 1000), e(6), e(issuedAt.getTime() / 1000), e(-260), e(new Map([[1, vietnamese]])));
    const r = await verifyHcert(await rawCose(es, new Map<number, unknown>([[1, -7], [4, es.dsc.kid]]), payload), { trust, clock });
    expect(r.stages.cose).toBe('fail');
    expect(r.reason).toMatch(/[Dd]uplicate/);
  });

  it('rejects duplicate keys in the outer COSE structure too', () => {
    const e = (v: unknown) => cborEncode(v);
    // 18([h'', {4: h'00', 4: h'01'}, payload, sig])
    const outer = concat(new Uint8Array([0xd2, 0x84]), e(new Uint8Array(0)), new Uint8Array([0xa2]), e(4), e(new Uint8Array([0])), e(4), e(new Uint8Array([1])), e(cwtBytes()), e(new Uint8Array(64)));
    const d = decodeHcert(wrapCose(outer));
    expect(d.stages.cbor).toBe('fail');
    expect(d.reason).toMatch(/[Dd]uplicate/);
  });

  it('caps CBOR nesting depth', () => {
    const deep = concat(new Uint8Array(40).fill(0x81), new Uint8Array([0x01]));
    const d = decodeHcert(wrapCose(deep));
    expect(d.stages.cbor).toBe('fail');
  });

  it('fails fast on CBOR lengths larger than the data', () => {
    for (const h of ['9bffffffffffffffff', '5a7fffffff00', 'bb00000000ffffffff']) {
      const bytes = Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));
      expect(decodeHcert(wrapCose(bytes)).stages.cbor).toBe('fail');
    }
  });

  it('rejects an algorithm that does not fit the key type (PS256 header, EC key)', async () => {
    const r = await verifyHcert(await rawCose(es, new Map<number, unknown>([[1, -37], [4, es.dsc.kid]]), cwtBytes()), { trust, clock });
    expect(r.stages.signature).toBe('fail');
    expect(r.code).toBe('alg_key_mismatch');
  });

  it('rejects an unknown kid', async () => {
    const stranger = await createTestChain();
    const r = await verifyHcert(await enc(stranger), { trust, clock });
    expect(r.stages.signature).toBe('fail');
    expect(r.code).toBe('kid_unknown');
    expect(r.payload).toBeUndefined();
  });

  it('rejects a tampered payload', async () => {
    const cose = await signHcert(vietnamese, { signer: signerOf(es), issuer: 'VN', issuedAt, expiresAt });
    const at = new TextDecoder('latin1').decode(cose).indexOf('NGUYEN');
    expect(at).toBeGreaterThan(0);
    const tampered = cose.slice();
    tampered[at] = 'M'.charCodeAt(0);
    const r = await verifyHcert(wrapCose(tampered), { trust, clock });
    expect(r.stages.cose).toBe('ok');
    expect(r.stages.signature).toBe('fail');
    expect(r.code).toBe('signature_invalid');
    expect(r.valid).toBe(false);
  });

  it('enforces DSC key usage: a test-only DSC may not sign a vaccination', async () => {
    const testOnly = await createTestChain({ usages: [EKU_OID.test] });
    const r = await verifyHcert(await enc(testOnly), { trust: [{ certificate: testOnly.dsc.der }], clock });
    expect(r.stages.signature).toBe('ok');
    expect(r.stages.keyUsage).toBe('fail');
    expect(r.valid).toBe(false);
  });

  it('accepts the alternative OID spelling, and a DSC without DCC OIDs for any type', async () => {
    const alt = await createTestChain({ usages: ['1.3.6.1.4.1.0.1847.2021.1.2'] });
    expect((await verifyHcert(await enc(alt), { trust: [{ certificate: alt.dsc.der }], clock })).valid).toBe(true);
    const altTest = await createTestChain({ usages: ['1.3.6.1.4.1.0.1847.2021.1.1'] });
    expect((await verifyHcert(await enc(altTest), { trust: [{ certificate: altTest.dsc.der }], clock })).stages.keyUsage).toBe('fail');
    const none = await createTestChain({ usages: ['1.3.6.1.5.5.7.3.4'] });
    expect((await verifyHcert(await enc(none), { trust: [{ certificate: none.dsc.der }], clock })).valid).toBe(true);
  });

  it('rejects an expired certificate and one issued in the future', async () => {
    const late = await verifyHcert(good, { trust, clock: new Date('2023-01-01T00:00:00Z') });
    expect(late.stages.expiry).toBe('fail');
    expect(late.code).toBe('expired');
    const early = await verifyHcert(good, { trust, clock: new Date('2021-11-30T00:00:00Z') });
    expect(early.stages.expiry).toBe('fail');
    expect(early.code).toBe('not_yet_valid');
  });

  it('rejects a payload that breaks the schema (two groups)', async () => {
    const both = { ...vietnamese, t: [{ tg: '840539006', tt: 'LP6464-4', sc: '2021-10-01T08:00:00Z', tr: '260415000', co: 'VN', is: 'MOH', ci: 'URN:UVCI:01:VN:X' }] };
    const r = await verifyHcert(await enc(es, both), { trust, clock });
    expect(r.stages.signature).toBe('ok');
    expect(r.stages.schema).toBe('fail');
    expect(r.valid).toBe(false);
  });

  it('rejects over-long input before decoding', async () => {
    const r = await verifyHcert(`HC1:${'0'.repeat(9000)}`, { trust, clock });
    expect(r.stages.prefix).toBe('fail');
    expect(r.code).toBe('text_too_long');
  });
});

describe('Sig_structure', () => {
  it('is byte for byte the CBOR encoding of ["Signature1", protected, h\'\', payload] at every length class', async () => {
    const { cborEncode } = await import('./cbor');
    for (const n of [0, 23, 24, 255, 256, 65535, 65536]) {
      const payload = new Uint8Array(n).fill(7);
      const protectedBytes = new Uint8Array([0xa1, 0x01, 0x26]);
      expect(sigStructure({ protectedBytes, payload })).toEqual(cborEncode(['Signature1', protectedBytes, new Uint8Array(0), payload]));
    }
  });
});
