// Generates Sen's own HCERT test vectors in packages/certs/testdata, in the layout of the EU dgc-testdata
// repository (see testdata/README.md). Run: npx tsx packages/certs/scripts/make-vectors.ts
// The test keys in testdata/keys are created when their private halves are absent and reused afterwards. Only the
// certificates are committed (private keys never are): a fresh clone regenerates every vector with new keys.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import QRCode from 'qrcode';
import { zlibSync } from 'fflate';
import { CATALOG_VERSIONS, dccNameFromFullName } from '@sen/domain';
import {
  COSE_ALG, PREFIX, Tag, base45Encode, cborEncode, createCsca, createDsc, createRevocationBatch, decodeHcert, importPkcs8Es256, kidOf,
  pemDecode, pemEncode, revocationHash, sigStructure, signHcert, toBase64, toHex, type KeySigner, type Revocations, type Usage,
} from '../src/index';

const root = path.resolve(import.meta.dirname, '../testdata');
const keysDir = path.join(root, 'keys');
const rawDir = path.join(root, 'VN/2DCode/raw');

// ---------------- fixed test keys ----------------

type Pair = { privateKey: CryptoKey; der: Uint8Array };
async function loadOrCreateKeys(): Promise<{ csca: Pair; dsc: Pair; dscTestOnly: Pair }> {
  const file = (n: string) => path.join(keysDir, n);
  const load = async (n: string): Promise<Pair> => ({
    privateKey: (await importPkcs8Es256(pemDecode('PRIVATE KEY', readFileSync(file(`${n}.key.pem`), 'utf8')))) as unknown as CryptoKey,
    der: pemDecode('CERTIFICATE', readFileSync(file(`${n}.cert.pem`), 'utf8')),
  });
  if (!existsSync(file('csca.key.pem'))) {
    mkdirSync(keysDir, { recursive: true });
    const nb = new Date('2021-01-01T00:00:00Z');
    const csca = await createCsca({ country: 'VN', commonName: 'Sen TEST CSCA (test data only)', notBefore: nb, notAfter: new Date('2040-01-01T00:00:00Z') });
    const save = async (n: string, keys: { privateKey: unknown }, der: Uint8Array) => {
      writeFileSync(file(`${n}.key.pem`), pemEncode('PRIVATE KEY', new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey as CryptoKey))));
      writeFileSync(file(`${n}.cert.pem`), pemEncode('CERTIFICATE', der));
    };
    await save('csca', csca.keys, csca.der);
    const mk = async (n: string, usages: Usage[], cn: string) => {
      const d = await createDsc({ csca: { privateKey: csca.keys.privateKey, der: csca.der }, usages, country: 'VN', commonName: cn, notBefore: nb, notAfter: new Date('2039-01-01T00:00:00Z') });
      await save(n, d.keys, d.der);
    };
    await mk('dsc', ['v', 't', 'r'], 'Sen TEST DSC v t r (test data only)');
    await mk('dsc-test-only', ['t'], 'Sen TEST DSC t only (test data only)');
  }
  return { csca: await load('csca'), dsc: await load('dsc'), dscTestOnly: await load('dsc-test-only') };
}

// ---------------- building blocks ----------------

const hex = (b: Uint8Array) => toHex(b);
const catalog = CATALOG_VERSIONS.at(-1)!;
const codes = (code: string) => catalog.vaccines.find((v) => v.code === code)!.dcc;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);
/** 06:00 in Viet Nam on a calendar day (23:00 UTC the day before). */
const vnMorning = (day: string) => `${day}T06:00:00+07:00`;
const vnMidnight = (day: string) => new Date(`${day}T00:00:00+07:00`);
const plusMonths = (d: Date, m: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + m, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()));

let serial = 0;
const uvci = (tag: string) => `URN:UVCI:01:VN:SENTEST${tag.toUpperCase().replace(/[^A-Z0-9]/g, '')}${String(++serial).padStart(3, '0')}`;
const holder = (fullName: string, dob: string) => ({ ver: '1.3.0', nam: dccNameFromFullName(fullName), dob });
const vacc = (fullName: string, code: string, dn: number, sd: number, dt: string) => ({
  ...holder(fullName, '1985-07-14'),
  v: [{ tg: '840539006', ...codes(code), dn, sd, dt, co: 'VN', is: 'Ministry of Health of Viet Nam', ci: uvci(code) }],
});
const recovery = (fullName: string, fr: string) => ({
  ...holder(fullName, '1979'),
  r: [{ tg: '840539006', fr, co: 'VN', is: 'Ministry of Health of Viet Nam', df: addDays(fr, 11), du: addDays(fr, 180), ci: uvci('r') }],
});

type Flags = Record<string, boolean>;
interface Vector {
  JSON?: unknown; CBOR?: string; COSE?: string; COMPRESSED?: string; BASE45?: string; PREFIX?: string; '2DCODE'?: string;
  TESTCTX: Record<string, unknown>;
  EXPECTEDRESULTS: Flags;
}

const ALL_TRUE = ['EXPECTEDVALIDOBJECT', 'EXPECTEDSCHEMAVALIDATION', 'EXPECTEDENCODE', 'EXPECTEDDECODE', 'EXPECTEDVERIFY', 'EXPECTEDUNPREFIX', 'EXPECTEDVALIDJSON', 'EXPECTEDCOMPRESSION', 'EXPECTEDB45DECODE', 'EXPECTEDPICTUREDECODE', 'EXPECTEDEXPIRATIONCHECK', 'EXPECTEDKEYUSAGE', 'EXPECTEDNOTREVOKED'];

async function chain(cose: Uint8Array, png: boolean) {
  const compressed = zlibSync(cose, { level: 9 });
  const b45 = base45Encode(compressed);
  const out: Partial<Vector> = { COSE: hex(cose), COMPRESSED: hex(compressed), BASE45: b45, PREFIX: PREFIX + b45 };
  if (png) out['2DCODE'] = (await QRCode.toBuffer(PREFIX + b45, { errorCorrectionLevel: 'Q', margin: 4, scale: 4 })).toString('base64');
  return out;
}

// ---------------- the vectors ----------------

async function main() {
  const keys = await loadOrCreateKeys();
  const dscKid = await kidOf(keys.dsc.der);
  const signer: KeySigner = { privateKey: keys.dsc.privateKey as never, kid: dscKid, alg: 'ES256' };
  const testOnly: KeySigner = { privateKey: keys.dscTestOnly.privateKey as never, kid: await kidOf(keys.dscTestOnly.der), alg: 'ES256' };
  const vectors: { name: string; v: Vector }[] = [];

  const ctx = (clock: string, description: string, certificate = keys.dsc.der, extra: Record<string, unknown> = {}) => ({
    VERSION: 1, SCHEMA: '1.3.0', CERTIFICATE: toBase64(certificate), VALIDATIONCLOCK: clock, DESCRIPTION: description, ...extra,
  });

  /** A well-formed certificate through every stage; `flags` override the all-true defaults. */
  async function valid(name: string, dcc: Record<string, unknown>, o: { clock: string; issuedAt: Date; description: string; flags?: Flags; by?: KeySigner; certificate?: Uint8Array; expiresAt?: Date; extraCtx?: Record<string, unknown> }) {
    const cose = await signHcert(dcc, { signer: o.by ?? signer, issuer: 'VN', issuedAt: o.issuedAt, expiresAt: o.expiresAt ?? plusMonths(o.issuedAt, 12) });
    const flags: Flags = Object.fromEntries(ALL_TRUE.map((f) => [f, true]));
    vectors.push({
      name,
      v: { JSON: dcc, CBOR: hex(cborEncode(dcc)), ...(await chain(cose, true)), TESTCTX: ctx(o.clock, o.description, o.certificate, o.extraCtx), EXPECTEDRESULTS: { ...flags, ...o.flags } },
    });
    return cose;
  }

  // 1. The 8 vaccines used in Viet Nam: full series, day 13 (not yet) and day 14 (accepted) at the checkpoint.
  const people = ['Nguyễn Văn An', 'Trần Thị Bích Ngọc', 'Lê Hoàng Đức', 'Phạm Thị Thu Hà', 'Hoàng Văn Đông', 'Huỳnh Ngọc Ánh', 'Phan Thanh Tùng', 'Vũ Thị Đào'];
  const seriesOf = (code: string) => catalog.vaccines.find((v) => v.code === code)!.seriesDoses;
  const eight = ['astrazeneca', 'pfizer', 'moderna', 'verocell', 'sputnikv', 'janssen', 'hayatvax', 'abdala'];
  for (const [i, code] of eight.entries()) {
    const n = seriesOf(code);
    const dt = '2021-10-05';
    const dcc = vacc(people[i]!, code, n, n, dt);
    for (const day of [13, 14]) {
      await valid(`v-${code}-${n}-${n}-day${day}`, dcc, {
        clock: vnMorning(addDays(dt, day)), issuedAt: vnMidnight(dt),
        description: `VALID: VN: ${code} ${n}/${n}, day ${day} after the last dose: checkpoint ${day >= 14 ? 'accepts' : 'refuses'}`,
        flags: { EXPECTEDCHECKPOINT: day >= 14, EXPECTEDGREENQR: day >= 14 },
      });
    }
  }
  // 2. Incomplete series: Abdala 2/3, Sputnik V component I (1/2), Janssen is never incomplete.
  await valid('v-abdala-2-3', vacc('Đặng Văn Lâm', 'abdala', 2, 3, '2021-09-01'), { clock: vnMorning('2021-11-01'), issuedAt: vnMidnight('2021-09-01'), description: 'VALID: VN: Abdala 2/3: series incomplete, checkpoint refuses; QR black (only a two-dose vaccine is green after one dose)', flags: { EXPECTEDCHECKPOINT: false, EXPECTEDGREENQR: false } });
  await valid('v-abdala-1-3', vacc('Đặng Văn Lâm', 'abdala', 1, 3, '2021-09-01'), { clock: vnMorning('2021-11-01'), issuedAt: vnMidnight('2021-09-01'), description: 'VALID: VN: Abdala 1/3, two months on: checkpoint refuses, QR black', flags: { EXPECTEDCHECKPOINT: false, EXPECTEDGREENQR: false } });
  await valid('v-pfizer-1-2-day14', vacc('Đỗ Văn Minh', 'pfizer', 1, 2, '2021-09-01'), { clock: vnMorning('2021-09-15'), issuedAt: vnMidnight('2021-09-01'), description: 'VALID: VN: Pfizer 1/2, day 14: checkpoint refuses, one dose of a two-dose vaccine gives a green QR', flags: { EXPECTEDCHECKPOINT: false, EXPECTEDGREENQR: true } });
  await valid('v-sputnikv-component1-1-2', vacc('Đỗ Thị Mai', 'sputnikv', 1, 2, '2021-09-01'), { clock: vnMorning('2021-09-10'), issuedAt: vnMidnight('2021-09-01'), description: 'VALID: VN: Sputnik V component I (1/2), day 9: checkpoint refuses, QR black', flags: { EXPECTEDCHECKPOINT: false, EXPECTEDGREENQR: false } });
  await valid('v-sputnikv-component2-2-2', vacc('Đỗ Thị Mai', 'sputnikv', 2, 2, '2021-09-22'), { clock: vnMorning('2021-10-06'), issuedAt: vnMidnight('2021-09-22'), description: 'VALID: VN: Sputnik V component II (2/2), day 14', flags: { EXPECTEDCHECKPOINT: true, EXPECTEDGREENQR: true } });
  // 3. Mixed schedules: the certificate names the product of the last dose.
  await valid('v-mixed-astrazeneca-then-pfizer-2-2', vacc('Bùi Quang Huy', 'pfizer', 2, 2, '2021-10-01'), { clock: vnMorning('2021-10-15'), issuedAt: vnMidnight('2021-10-01'), description: 'VALID: VN: AstraZeneca then Pfizer (2/2, Pfizer), day 14', flags: { EXPECTEDCHECKPOINT: true, EXPECTEDGREENQR: true } });
  await valid('v-mixed-verocell-then-astrazeneca-2-2', vacc('Ngô Thị Lan', 'astrazeneca', 2, 2, '2021-10-01'), { clock: vnMorning('2021-10-14'), issuedAt: vnMidnight('2021-10-01'), description: 'VALID: VN: Vero Cell then AstraZeneca (2/2), day 13', flags: { EXPECTEDCHECKPOINT: false, EXPECTEDGREENQR: false } });
  // 4. Boosters count at once. Sen issues 3/3 (4/4) after two doses and 2/1 after Janssen (EU 2021/2301); the
  // older 3/2 and 2/2 encodings other issuers used are accepted too.
  for (const [code, dn, sd, label] of [
    ['pfizer', 3, 3, 'Pfizer booster 3/3 after two doses'], ['moderna', 4, 4, 'second booster 4/4'], ['pfizer', 2, 1, 'Pfizer booster after Janssen 2/1'],
    ['pfizer', 3, 2, 'older booster encoding 3/2'], ['janssen', 2, 2, 'older Janssen booster encoding 2/2'],
  ] as const) {
    await valid(`v-booster-${code}-${dn}-${sd}`, vacc('Trịnh Công Sơn', code, dn, sd, '2022-01-10'), { clock: vnMorning('2022-01-10'), issuedAt: vnMidnight('2022-01-10'), description: `VALID: VN: ${label}, day 0: checkpoint accepts a booster at once, QR green (a completed series came before it)`, flags: { EXPECTEDCHECKPOINT: true, EXPECTEDGREENQR: true } });
  }
  // 5. Recovery: day 10 / 11 (checkpoint and green QR from day 11), 179 / 180 / 181 (checkpoint until day 180; green QR under 180 days).
  const fr = '2021-08-01';
  for (const day of [10, 11, 179, 180, 181]) {
    await valid(`r-day${day}`, recovery('Lý Thị Đoan Trang', fr), {
      clock: vnMorning(addDays(fr, day)), issuedAt: vnMidnight(addDays(fr, 1)),
      description: `VALID: VN: recovery, day ${day} after the positive test`,
      flags: { EXPECTEDCHECKPOINT: day >= 11 && day <= 180, EXPECTEDGREENQR: day >= 11 && day < 180 },
    });
  }
  // 6. Diacritics: every Vietnamese vowel mark and Đ, transliterated (Đ -> D) in fnt/gnt.
  await valid('v-diacritics', vacc('Đoàn Thị Hồng Nhung Ưởng Ợ', 'verocell', 2, 2, '2021-09-01'), { clock: vnMorning('2021-10-01'), issuedAt: vnMidnight('2021-09-01'), description: 'VALID: VN: Vietnamese diacritics in fn/gn, ICAO transliteration in fnt/gnt (Đ to D)', flags: { EXPECTEDCHECKPOINT: true, EXPECTEDGREENQR: true } });

  // ---------------- hostile inputs ----------------
  const base = vacc('Mai Văn Hùng', 'pfizer', 2, 2, '2021-09-01');
  const clock = vnMorning('2021-10-01');
  const issuedAt = vnMidnight('2021-09-01');
  const exp = plusMonths(issuedAt, 12);
  const secs = (d: Date) => Math.floor(d.getTime() / 1000);
  const cwtOf = (dcc: unknown) => cborEncode(new Map<number, unknown>([[1, 'VN'], [6, secs(issuedAt)], [4, secs(exp)], [-260, new Map([[1, dcc]])]]));
  const signRaw = async (protectedMap: Map<number, unknown>, payload: Uint8Array, key = keys.dsc.privateKey, tag = 18) => {
    const protectedBytes = cborEncode(protectedMap);
    const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, sigStructure({ protectedBytes, payload }) as Uint8Array<ArrayBuffer>));
    return cborEncode(new Tag(tag, [protectedBytes, new Map(), payload, sig]));
  };
  const hostile = async (name: string, description: string, fields: Partial<Vector>, flags: Flags, extraCtx: Record<string, unknown> = {}) =>
    vectors.push({ name, v: { ...fields, TESTCTX: ctx(clock, `INVALID: VN: ${description}`, keys.dsc.der, extraCtx), EXPECTEDRESULTS: flags } });

  const good = await chain(await signHcert(base, { signer, issuer: 'VN', issuedAt, expiresAt: exp }), false);
  // Truncated Base45: one character short is never a valid Base45 length (3n, 3n+2).
  const cut = good.BASE45!.length % 3 === 0 ? 1 : 2;
  const truncated = good.BASE45!.slice(0, -cut);
  await hostile('x-base45-truncated', 'Base45 text truncated', { JSON: base, COMPRESSED: good.COMPRESSED, BASE45: truncated, PREFIX: PREFIX + truncated }, { EXPECTEDUNPREFIX: true, EXPECTEDB45DECODE: false, EXPECTEDVALIDJSON: false });
  await hostile('x-base45-bad-alphabet', 'Base45 text with a lower-case letter', { JSON: base, COMPRESSED: good.COMPRESSED, BASE45: `${good.BASE45!.slice(0, 10)}a${good.BASE45!.slice(11)}` }, { EXPECTEDB45DECODE: false });
  await hostile('x-prefix-wrong', 'HC2: prefix', { BASE45: good.BASE45, PREFIX: `HC2:${good.BASE45}` }, { EXPECTEDUNPREFIX: false });
  // Bad tags: COSE_Sign (98) instead of COSE_Sign1 (18); a DCC date carried as an epoch tag (1).
  const tag98 = await signRaw(new Map<number, unknown>([[1, COSE_ALG.ES256], [4, dscKid]]), cwtOf(base), keys.dsc.privateKey, 98);
  await hostile('x-cose-tag-98', 'COSE tag 98 (COSE_Sign) instead of 18', { JSON: base, ...(await chain(tag98, false)) }, { EXPECTEDCOMPRESSION: true, EXPECTEDB45DECODE: true, EXPECTEDVERIFY: false, EXPECTEDVALIDJSON: false });
  const taggedDate = { ...base, v: [{ ...base.v[0]!, dt: new Tag(1, secs(new Date('2021-09-01T00:00:00Z'))) }] };
  const taggedCose = await signRaw(new Map<number, unknown>([[1, COSE_ALG.ES256], [4, dscKid]]), cwtOf(taggedDate));
  await hostile('x-dcc-epoch-tag', 'vaccination date as CBOR tag 1 (epoch) instead of text', { ...(await chain(taggedCose, false)) }, { EXPECTEDVERIFY: true, EXPECTEDSCHEMAVALIDATION: false });
  // Algorithm / key mismatch: PS256 in the header, an EC key and an ES256 signature.
  const ps = await signRaw(new Map<number, unknown>([[1, COSE_ALG.PS256], [4, dscKid]]), cwtOf(base));
  await hostile('x-alg-key-mismatch', 'PS256 in the protected header but an EC P-256 signer', { JSON: base, ...(await chain(ps, false)) }, { EXPECTEDVERIFY: false, EXPECTEDKEYUSAGE: false, EXPECTEDVALIDJSON: true });
  // Duplicate CBOR map keys: "dob" renamed "ver" in the encoded DCC, then signed.
  const dccBytes = cborEncode(base);
  const at = Buffer.from(dccBytes).indexOf(Buffer.from([0x63, 0x64, 0x6f, 0x62]));
  const dup = new Uint8Array(dccBytes);
  dup.set([0x63, 0x76, 0x65, 0x72], at);
  const dupPayload = new Uint8Array([0xa4, ...cborEncode(1), ...cborEncode('VN'), ...cborEncode(6), ...cborEncode(secs(issuedAt)), ...cborEncode(4), ...cborEncode(secs(exp)), ...cborEncode(-260), 0xa1, 0x01, ...dup]);
  const dupCose = await signRaw(new Map<number, unknown>([[1, COSE_ALG.ES256], [4, dscKid]]), dupPayload);
  await hostile('x-cbor-duplicate-keys', 'DCC map with the key "ver" twice (signed)', { JSON: base, CBOR: hex(dup), ...(await chain(dupCose, false)) }, { EXPECTEDDECODE: false, EXPECTEDVERIFY: false, EXPECTEDVALIDJSON: false });
  // Oversized inflate: a signed certificate of 80 KB (above the 64 KiB cap), and a 4 MB zlib bomb.
  const big = { ...base, x: 'A'.repeat(80_000) };
  const bigCose = await signHcert(big, { signer, issuer: 'VN', issuedAt, expiresAt: exp });
  await hostile('x-inflate-oversized', 'certificate of 80 KB after inflate (cap 64 KiB)', { ...(await chain(bigCose, false)), COSE: undefined }, { EXPECTEDCOMPRESSION: false, EXPECTEDB45DECODE: true });
  const bomb = zlibSync(new Uint8Array(4 * 1024 * 1024), { level: 9 });
  await hostile('x-inflate-bomb', 'zlib stream of 4 MB of zeros', { COMPRESSED: hex(bomb) }, { EXPECTEDCOMPRESSION: false });
  // Unknown kid: signed by the DSC but naming a kid no signer has.
  const unknown = await signRaw(new Map<number, unknown>([[1, COSE_ALG.ES256], [4, new Uint8Array([0x53, 0x45, 0x4e, 0x2d, 0x4e, 0x4f, 0x4e, 0x45])]]), cwtOf(base));
  await hostile('x-kid-unknown', 'kid of no trusted signer', { JSON: base, ...(await chain(unknown, false)) }, { EXPECTEDVERIFY: false, EXPECTEDKEYUSAGE: false, EXPECTEDVALIDJSON: true });
  // A signature that does not verify (last byte flipped).
  const flipped = await signHcert(base, { signer, issuer: 'VN', issuedAt, expiresAt: exp });
  flipped[flipped.length - 1] ^= 0x01;
  await hostile('x-signature-broken', 'signature with one bit flipped', { JSON: base, ...(await chain(flipped, false)) }, { EXPECTEDVERIFY: false, EXPECTEDVALIDJSON: true });
  // Revoked: by UCI and by SIGNATURE hash (TESTCTX.REVOCATIONS carries the batches).
  for (const hashType of ['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'] as const) {
    const dcc = vacc('Cao Thị Yến', 'moderna', 2, 2, '2021-09-01');
    const cose = await signHcert(dcc, { signer, issuer: 'VN', issuedAt, expiresAt: exp });
    const d = decodeHcert(PREFIX + base45Encode(zlibSync(cose)));
    const h = await revocationHash(hashType, dcc, d.cose!);
    const revocations: Revocations = { batches: [await createRevocationBatch({ batchId: `test-${hashType}`, country: 'VN', kid: dscKid, hashType, expires: exp, hashes: [h!] })] };
    vectors.push({ name: `x-revoked-${hashType.toLowerCase()}`, v: { JSON: dcc, ...(await chain(cose, false)), TESTCTX: ctx(clock, `INVALID: VN: revoked (${hashType} hash listed)`, keys.dsc.der, { REVOCATIONS: revocations }), EXPECTEDRESULTS: { EXPECTEDVERIFY: true, EXPECTEDVALIDJSON: true, EXPECTEDNOTREVOKED: false, EXPECTEDEXPIRATIONCHECK: true } } });
  }
  // Wrong key usage: a vaccination certificate from a signer allowed tests only.
  await valid('x-key-usage-wrong', base, { clock, issuedAt, by: testOnly, certificate: keys.dscTestOnly.der, description: 'INVALID: VN: vaccination signed by a test-only signer (EKU 1.3.6.1.4.1.1847.2021.1.1)', flags: { EXPECTEDKEYUSAGE: false, EXPECTEDCHECKPOINT: true, EXPECTEDGREENQR: true } });
  // Expired, and issued in the future.
  await valid('x-expired', base, { clock: '2022-09-02T00:00:00Z', issuedAt, expiresAt: new Date('2022-09-01T00:00:00Z'), description: 'INVALID: VN: expired (exp one day before the clock)', flags: { EXPECTEDEXPIRATIONCHECK: false, EXPECTEDCHECKPOINT: true, EXPECTEDGREENQR: true } });
  await valid('x-issued-in-future', base, { clock, issuedAt: new Date(Date.parse(clock) + 86400_000), description: 'INVALID: VN: issued one day after the clock', flags: { EXPECTEDEXPIRATIONCHECK: false, EXPECTEDCHECKPOINT: true, EXPECTEDGREENQR: true } });

  // ---------------- write ----------------
  if (existsSync(rawDir)) for (const f of readdirSync(rawDir)) rmSync(path.join(rawDir, f));
  mkdirSync(rawDir, { recursive: true });
  for (const { name, v } of vectors) writeFileSync(path.join(rawDir, `${name}.json`), `${JSON.stringify(v, null, 2)}\n`);
  console.log(`${vectors.length} vectors in ${rawDir} (test kid ${toBase64(dscKid)})`);
}

await main();
