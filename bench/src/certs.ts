import { createTestChain, cryptoKeySigner, decodeHcert, defaultRuleSet, encodeHcert, fromBase64, prepareTrust, sigStructure, verifyCoseSignature, verifyHcert, EKU_OID, type Signer, type TrustStore, type TrustedKey, type TestChain } from '@sen/certs';
import { clockOf, loadVectors, vectorsDir } from '@sen/certs/testing';
import type { Benchmark } from './lib/bench';
import { median, percentile, progress, writeResults, type Metric } from './lib/report';

/**
 * Certificates: offline verification of HC1 QR texts (Base45, inflate, CBOR, COSE, ES256/PS256 signature, key
 * usage, expiry, schema, and the CertLogic checkpoint rules of the trust list) over the valid EU DCC test vectors plus N of our own ES256 certificates (10,000, or 1,000
 * with --quick). Baseline: the raw crypto.subtle.verify of the same signatures over the same Sig_structure bytes,
 * measured in the same run: the ceiling no verifier can beat, so ratio = our rate / ceiling (at most 1).
 */
const CONCURRENCY = 64;

interface Item {
  text: string;
  clock: Date;
  raw: { key: CryptoKeyLike; alg: number; sig: Uint8Array<ArrayBuffer>; data: Uint8Array<ArrayBuffer> };
}
type CryptoKeyLike = Parameters<typeof crypto.subtle.verify>[1];

const sample = (i: number) => ({
  ver: '1.3.0',
  nam: { fn: 'Nguyễn Văn', fnt: 'NGUYEN<VAN', gn: 'Đức', gnt: 'DUC' },
  dob: `19${String(50 + (i % 50)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
  v: [{ tg: '840539006', vp: '29061000087103', mp: 'EU/1/21/1529', ma: 'ORG-100001699', dn: 1 + (i % 2), sd: 2, dt: '2021-10-20', co: 'VN', is: 'Ministry of Health of Viet Nam', ci: `URN:UVCI:01:VN:BENCH/${i}` }],
});

async function timeAll<T>(items: readonly T[], concurrency: number, f: (x: T) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < items.length) await f(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return (performance.now() - t0) / 1000;
}

export const certsBenchmark: Benchmark = {
  name: 'certs',
  description: 'HC1 certificate verification and issuance (EU DCC vectors + own ES256), against raw crypto.subtle.verify',
  async run(ctx) {
    const own = ctx.size ?? (ctx.quick ? 1_000 : 10_000);
    const rounds = 3;
    const metric = (name: string, value: number, unit: string, extra: Partial<Metric> = {}): Metric => ({ bench: 'certs', metric: name, value, unit, ...extra });

    // Trust: four Vietnamese DSCs (vaccination-only key usage) plus every EU vector's own DSC.
    const chains: TestChain[] = [];
    for (let i = 0; i < 4; i++) chains.push(await createTestChain({ usages: [EKU_OID.vaccination] }));
    const vectors = loadVectors();
    if (vectors.length === 0) progress(`certs: no EU vectors at ${vectorsDir}, own certificates only`);
    const trust = new Map<string, TrustedKey[]>(await prepareTrust(chains.map((c) => ({ certificate: c.dsc.der }))) as Map<string, TrustedKey[]>);
    const seen = new Set<string>();
    for (const v of vectors) {
      const b64 = v.TESTCTX.CERTIFICATE;
      if (!b64 || seen.has(b64)) continue;
      seen.add(b64);
      try {
        for (const [kid, keys] of await prepareTrust([{ certificate: fromBase64(b64) }])) trust.set(kid, [...(trust.get(kid) ?? []), ...keys]);
      } catch {
        // A few vectors carry certificates we cannot use (unsupported key types); they stay out of the corpus.
      }
    }

    // Issuance.
    progress(`certs: issuing ${own.toLocaleString('en')} certificates`);
    const issuedAt = new Date('2021-12-01T00:00:00Z');
    const expiresAt = new Date('2022-12-01T00:00:00Z');
    const ownClock = new Date('2022-03-01T00:00:00Z');
    const texts: string[] = new Array(own);
    // The production path: a Signer (what the file-backed signer returns), not a bare key.
    const signers: Signer[] = await Promise.all(chains.map((c) => cryptoKeySigner(c.dsc.keys.privateKey, c.dsc.der)));
    const issueS = await timeAll(Array.from({ length: own }, (_, i) => i), 1, async (i) => {
      texts[i] = await encodeHcert(sample(i), { signer: signers[i % signers.length]!, issuer: 'VN', issuedAt, expiresAt });
    });

    // Corpus: EU vectors that verify as valid end to end under their own clock, then ours.
    const corpus: { text: string; clock: Date }[] = [];
    for (const v of vectors) {
      const clock = clockOf(v);
      if (!v.PREFIX || !clock || !v.TESTCTX.CERTIFICATE) continue;
      if ((await verifyHcert(v.PREFIX, { trust, clock })).valid) corpus.push({ text: v.PREFIX, clock });
    }
    const eu = corpus.length;
    for (const text of texts) corpus.push({ text, clock: ownClock });
    const items: Item[] = [];
    for (const c of corpus) {
      const d = decodeHcert(c.text);
      if (!d.cose) throw new Error(`certs: corpus item does not decode: ${d.reason}`);
      const key = await verifyCoseSignature(d.cose, trust);
      const bytes = (b: Uint8Array) => new Uint8Array(b) as Uint8Array<ArrayBuffer>;
      items.push({ ...c, raw: { key: key.key as CryptoKeyLike, alg: d.cose.alg ?? 0, sig: bytes(d.cose.signature), data: bytes(sigStructure(d.cose)) } });
    }
    progress(`certs: corpus of ${items.length.toLocaleString('en')} (${eu} valid EU vectors of ${vectors.length}, key ids ${[...trust.keys()].length})`);

    const store: TrustStore = trust;
    const ruleSet = defaultRuleSet();
    // Full pipeline including the rules stage; a certificate the checkpoint rules refuse (1/2 doses, an EU test
    // certificate) still counts: the rules ran. Everything before them must pass.
    const verifyOne = async (it: Item) => {
      const r = await verifyHcert(it.text, { trust: store, clock: it.clock, ruleSet });
      if (r.stages.schema !== 'ok' || r.stages.expiry !== 'ok' || r.stages.keyUsage !== 'ok' || r.stages.rules === 'skipped') throw new Error(`certs: verification failed: ${r.reason}`);
    };
    const rawOne = async (it: Item) => {
      const p = it.raw.alg === -7 ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSA-PSS', saltLength: 32 };
      if (!(await crypto.subtle.verify(p, it.raw.key, it.raw.sig, it.raw.data))) throw new Error('certs: raw verify failed');
    };

    // Alternate ours and the ceiling round by round, so both see the same machine noise.
    const ours: number[] = [];
    const ceiling: number[] = [];
    const oursSerial: number[] = [];
    const ceilingSerial: number[] = [];
    for (let r = 0; r < rounds; r++) {
      progress(`certs: round ${r + 1}/${rounds}`);
      ours.push(items.length / (await timeAll(items, CONCURRENCY, verifyOne)));
      ceiling.push(items.length / (await timeAll(items, CONCURRENCY, rawOne)));
      oursSerial.push(items.length / (await timeAll(items, 1, verifyOne)));
      ceilingSerial.push(items.length / (await timeAll(items, 1, rawOne)));
    }

    // CPU time (all threads: the JavaScript thread and the crypto thread pool) per verification, one at a time:
    // less disturbed by other processes than wall-clock rates on a shared machine.
    const cpuPer = async (f: (it: Item) => Promise<void>) => {
      const c0 = process.cpuUsage();
      await timeAll(items, 1, f);
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / items.length;
    };
    const cpuOurs: number[] = [];
    const cpuCeiling: number[] = [];
    for (let r = 0; r < rounds; r++) {
      cpuOurs.push(await cpuPer(verifyOne));
      cpuCeiling.push(await cpuPer(rawOne));
    }

    // Latency of one verification, one at a time.
    const lat: number[] = [];
    for (const it of items) {
      const t0 = performance.now();
      await verifyOne(it);
      lat.push(performance.now() - t0);
    }

    const v = median(ours);
    const c = median(ceiling);
    const vs = median(oursSerial);
    const cs = median(ceilingSerial);
    const size = items.length;
    const note = `${eu} EU vectors + ${own.toLocaleString('en')} own ES256; ${rounds} rounds, median`;
    const metrics: Metric[] = [
      metric('verify_per_s', v, '1/s', { baseline: c, ratio: v / c, size, note: `${CONCURRENCY} in flight; baseline: raw crypto.subtle.verify of the same signatures; ${note}` }),
      metric('verify_serial_per_s', vs, '1/s', { baseline: cs, ratio: vs / cs, size, note: 'one in flight; baseline: raw crypto.subtle.verify, one in flight' }),
      metric('verify_cpu_us', median(cpuOurs), 'us', { baseline: median(cpuCeiling), ratio: median(cpuCeiling) / median(cpuOurs), size, note: 'CPU time (user+system, all threads) per verification, one at a time; ratio = ceiling / ours' }),
      metric('verify_p50_ms', percentile(lat, 50), 'ms', { size, note: 'one verification at a time, full pipeline' }),
      metric('verify_p99_ms', percentile(lat, 99), 'ms', { size }),
      metric('issue_per_s', own / issueS, '1/s', { size: own, note: 'encodeHcert with a Signer (CBOR, ES256 sign, zlib, Base45), one at a time' }),
    ];
    progress(`results: ${writeResults('certs', 'none', metrics, { quick: ctx.quick, euVectors: eu, own })}`);
    return metrics;
  },
};

