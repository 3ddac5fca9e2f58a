import { describe, expect, it } from 'vitest';
import { createCsca, createDsc } from './ca';
import { encodeHcert, verifyHcert } from './hcert';
import { toBase64 } from './keys';
import { buildRevocationIndex, containsHash, createRevocationBatch, packHashes, revocationHash } from './revocation';
import { defaultRuleSet } from './rules';
import { ruleSetAt } from './rule-sets';
import { cryptoKeySigner } from './signer';
import { canonicalJson, signTrustList, verifyTrustList } from './trustlist';

const t0 = new Date('2021-11-01T00:00:00Z');
const dcc = (ci: string, dt = '2021-10-01') => ({
  ver: '1.3.0', nam: { fn: 'Nguyễn', fnt: 'NGUYEN', gn: 'Văn Đông', gnt: 'VAN<DONG' }, dob: '1975-03-04',
  v: [{ tg: '840539006', vp: '1119349007', mp: 'EU/1/20/1528', ma: 'ORG-100030215', dn: 2, sd: 2, dt, co: 'VN', is: 'Ministry of Health of Viet Nam', ci }],
});

async function setup() {
  const csca = await createCsca({ country: 'VN', notBefore: new Date('2021-01-01T00:00:00Z') });
  const dsc = await createDsc({ csca: { privateKey: csca.keys.privateKey, der: csca.der }, usages: ['v'], country: 'VN', notBefore: new Date('2021-01-01T00:00:00Z') });
  const root = { privateKey: csca.keys.privateKey, certificateDer: csca.der };
  return { csca, dsc, root, signer: await cryptoKeySigner(dsc.keys.privateKey, dsc.der) };
}

describe('trust list', () => {
  it('signs and verifies; the ETag is stable for the same body; tampering, rollback and staleness are refused', async () => {
    const { csca, dsc, root } = await setup();
    const list = await signTrustList({ version: 3, issuedAt: t0, country: 'VN', signers: [{ certificateDer: dsc.der }], ruleSets: [defaultRuleSet()] }, root);
    const ok = await verifyTrustList(list.json, csca.der, { now: new Date(t0.getTime() + 3600_000), heldVersion: 3 });
    expect(ok.etag).toBe(list.etag);
    expect(ok.body.signers).toEqual([{ kid: toBase64(dsc.kid), certificate: toBase64(dsc.der), usages: ['v'], country: 'VN' }]);
    expect(ok.warnings).toEqual([]);
    expect([...ok.trust.keys()]).toHaveLength(1);

    const tampered = JSON.parse(list.json);
    tampered.ruleSets[0].rules[0].logic = true;
    await expect(verifyTrustList(JSON.stringify(tampered), csca.der, { now: t0 })).rejects.toMatchObject({ code: 'trust_list_signature' });
    await expect(verifyTrustList(list.json, csca.der, { now: t0, heldVersion: 4 })).rejects.toMatchObject({ code: 'trust_list_rollback' });
    const stale = await verifyTrustList(list.json, csca.der, { now: new Date(t0.getTime() + 49 * 3600_000) });
    expect(stale.warnings[0]).toMatch(/49 hours/);
    await expect(verifyTrustList(list.json, csca.der, { now: new Date(t0.getTime() + 7 * 86400_000 + 1000) })).rejects.toMatchObject({ code: 'trust_list_expired' });
    await expect(verifyTrustList(list.json, csca.der, { now: new Date(t0.getTime() + 3 * 86400_000), stale: { refuseAfterDays: 2 } })).rejects.toMatchObject({ code: 'trust_list_expired' });
    await expect(verifyTrustList('{not json', csca.der)).rejects.toMatchObject({ code: 'trust_list_invalid' });

    // Another root's list does not verify against ours.
    const other = await setup();
    const foreign = await signTrustList({ version: 9, issuedAt: t0, country: 'VN', signers: [{ certificateDer: other.dsc.der }], ruleSets: [defaultRuleSet()] }, other.root);
    await expect(verifyTrustList(foreign.json, csca.der, { now: t0 })).rejects.toMatchObject({ code: 'trust_list_signature' });
  });

  it('refuses to list a signer not issued by the root, or an expired one', async () => {
    const { root } = await setup();
    const other = await setup();
    await expect(signTrustList({ version: 1, issuedAt: t0, country: 'VN', signers: [{ certificateDer: other.dsc.der }], ruleSets: [defaultRuleSet()] }, root)).rejects.toMatchObject({ code: 'dsc_signature_invalid' }); // same subject name, different key
    const old = await createDsc({ csca: { privateKey: root.privateKey, der: root.certificateDer }, usages: ['v'], country: 'VN', notBefore: new Date('2021-01-01T00:00:00Z'), notAfter: new Date('2021-06-01T00:00:00Z') });
    await expect(signTrustList({ version: 1, issuedAt: t0, country: 'VN', signers: [{ certificateDer: old.der }], ruleSets: [defaultRuleSet()] }, root)).rejects.toMatchObject({ code: 'dsc_expired' });
  });

  it('carries every rule set; a verifier picks the one in force at its clock (Viet Nam day), the oldest before all', async () => {
    const { csca, dsc, root } = await setup();
    const base = defaultRuleSet();
    const later = { ...base, version: '2022.02.1', validFrom: '2022-02-01', rules: base.rules.filter((r) => r.purpose === 'personalQr') };
    const list = await signTrustList({ version: 1, issuedAt: t0, country: 'VN', signers: [{ certificateDer: dsc.der }], ruleSets: [later, base] }, root);
    const v = await verifyTrustList(list.json, csca.der, { now: t0 });
    expect(v.ruleSets.map((r) => r.version)).toEqual([base.version, '2022.02.1']);
    expect(v.rules.version).toBe(base.version);
    expect(ruleSetAt(v.ruleSets, new Date('2022-01-31T16:59:59Z')).version).toBe(base.version); // 23:59:59 in Viet Nam
    expect(ruleSetAt(v.ruleSets, new Date('2022-01-31T17:00:00Z')).version).toBe('2022.02.1'); // midnight in Viet Nam
    expect(ruleSetAt(v.ruleSets, new Date('2020-01-01T00:00:00Z')).version).toBe(base.version);
    expect(() => ruleSetAt([], t0)).toThrow(/No rule set/);
    await expect(signTrustList({ version: 1, issuedAt: t0, country: 'VN', signers: [{ certificateDer: dsc.der }], ruleSets: [] }, root)).rejects.toMatchObject({ code: 'rules_missing' });
  });

  it('publishes the issuer\'s stale policy, signed; an operator\'s option overrides it; nonsense is refused', async () => {
    const { csca, dsc, root } = await setup();
    const list = await signTrustList({ version: 1, issuedAt: t0, country: 'VN', signers: [{ certificateDer: dsc.der }], ruleSets: [defaultRuleSet()], stalePolicy: { warnAfterHours: 48, refuseAfterDays: 3 } }, root);
    const day = (n: number) => new Date(t0.getTime() + n * 86400_000 + 1000);
    expect((await verifyTrustList(list.json, csca.der, { now: day(2) })).stalePolicy).toEqual({ warnAfterHours: 48, refuseAfterDays: 3 });
    await expect(verifyTrustList(list.json, csca.der, { now: day(3) })).rejects.toMatchObject({ code: 'trust_list_expired' });
    expect((await verifyTrustList(list.json, csca.der, { now: day(3), stale: { refuseAfterDays: 10 } })).warnings[0]).toMatch(/hours old/);
    const raised = JSON.parse(list.json);
    raised.stalePolicy.refuseAfterDays = 365;
    await expect(verifyTrustList(JSON.stringify(raised), csca.der, { now: day(3) })).rejects.toMatchObject({ code: 'trust_list_signature' });
    await expect(signTrustList({ version: 1, issuedAt: t0, country: 'VN', signers: [{ certificateDer: dsc.der }], ruleSets: [defaultRuleSet()], stalePolicy: { warnAfterHours: 48, refuseAfterDays: 0 } }, root)).rejects.toMatchObject({ code: 'stale_policy_invalid' });
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'đ', c: null }] })).toBe('{"a":[{"c":null,"d":"đ"}],"b":1}');
  });
});

describe('revocation', () => {
  it('packs sorted 16-byte hashes and finds them by binary search', () => {
    const hs = Array.from({ length: 1000 }, (_, i) => crypto.getRandomValues(new Uint8Array(16)).map((b, j) => (j === 0 ? i % 256 : b)));
    const packed = packHashes([...hs, hs[0]!]);
    expect(packed.length).toBe(16 * 1000);
    for (const h of hs) expect(containsHash(packed, h)).toBe(true);
    expect(containsHash(packed, new Uint8Array(16).fill(0xff))).toBe(false);
    expect(containsHash(new Uint8Array(0), hs[0]!)).toBe(false);
  });

  it('a certificate revoked by UCI, COUNTRYCODEUCI or SIGNATURE hash fails verification with "revoked"; others pass; expired batches are ignored', async () => {
    const { csca, dsc, root, signer } = await setup();
    const clock = new Date('2021-11-01T12:00:00Z');
    const issue = (ci: string) => encodeHcert(dcc(ci), { signer, issuer: 'VN', issuedAt: t0, expiresAt: new Date('2022-11-01T00:00:00Z') });
    const good = await issue('URN:UVCI:01:VN:GOOD#1');
    const byUci = await issue('URN:UVCI:01:VN:UCI#1');
    const byCountry = await issue('URN:UVCI:01:VN:CCU#1');
    const bySig = await issue('URN:UVCI:01:VN:SIG#1');
    const { decodeHcert } = await import('./hcert');
    const coseOf = (qr: string) => decodeHcert(qr).cose!;
    const batch = async (hashType: 'UCI' | 'COUNTRYCODEUCI' | 'SIGNATURE', qr: string, expires = new Date('2022-11-01T00:00:00Z')) =>
      createRevocationBatch({ batchId: hashType, country: 'VN', kid: dsc.kid, hashType, expires, hashes: [(await revocationHash(hashType, decodeHcert(qr).claims!.dcc as never, coseOf(qr)))!] });
    const revocations = { batches: [await batch('UCI', byUci), await batch('COUNTRYCODEUCI', byCountry), await batch('SIGNATURE', bySig), await batch('UCI', good, new Date('2021-10-01T00:00:00Z'))] };
    const list = await signTrustList({ version: 1, issuedAt: t0, country: 'VN', signers: [{ certificateDer: dsc.der }], revocations, ruleSets: [defaultRuleSet()] }, root);
    const v = await verifyTrustList(list.json, csca.der, { now: clock });
    expect(v.revocations.count).toBe(3);
    const check = (qr: string) => verifyHcert(qr, { trust: v.trust, clock, revocations: v.revocations, ruleSet: v.rules });
    const g = await check(good);
    expect(g.valid).toBe(true);
    expect(g.stages.rules).toBe('ok');
    for (const qr of [byUci, byCountry, bySig]) {
      const r = await check(qr);
      expect(r).toMatchObject({ valid: false, code: 'revoked' });
      expect(r.stages.expiry).toBe('fail');
    }
    // The UCI hash is SHA-256 of the UVCI text, first 128 bits.
    const h = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('URN:UVCI:01:VN:UCI#1'))).slice(0, 16);
    expect(buildRevocationIndex(revocations, clock).byKid.values().next().value!.get('UCI')).toEqual(h);
  });

  it('the rules stage runs the checkpoint rules from the trust list', async () => {
    const { dsc, signer } = await setup();
    const qr = await encodeHcert(dcc('URN:UVCI:01:VN:R#1', '2021-10-20'), { signer, issuer: 'VN', issuedAt: t0, expiresAt: new Date('2022-11-01T00:00:00Z') });
    const at = (day: string) => verifyHcert(qr, { trust: [{ certificate: dsc.der }], clock: new Date(`${day}T08:00:00+07:00`), ruleSet: defaultRuleSet() });
    const early = await at('2021-11-02');
    expect(early).toMatchObject({ valid: false, code: 'rules_failed' });
    expect(early.stages).toMatchObject({ signature: 'ok', expiry: 'ok', schema: 'ok', rules: 'fail' });
    expect(early.reason).toMatch(/VN-CP-V-0001/);
    expect((await at('2021-11-03')).valid).toBe(true);
  });
});
