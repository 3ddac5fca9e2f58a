import { spawnSync } from 'node:child_process';
import { constants, createPublicKey, verify, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildRevocationIndex, createRevocationBatch, createTestChain, cryptoKeySigner, decodeHcert, defaultRuleSet, encodeHcert, findSigningKey, fromBase64,
  HASH_BYTES, prepareTrust, revocationHash, sigStructure, verifyHcert, EKU_OID, type RevocationBatch, type RevocationIndex, type RuleSet, type Signer,
  type TestChain, type TrustedKey, type VerifyResult,
} from '@sen/certs';
import { clockOf, loadVectors, vectorsDir } from '@sen/certs/testing';
import { catalogAt } from '@sen/domain';
import type { Benchmark } from './lib/bench';
import { median, percentile, progress, writeResults, type Metric } from './lib/report';

/**
 * Certificates on one core: the full offline verification of HC1 QR texts (Base45, inflate, CBOR, COSE, ES256/PS256
 * signature, key usage, expiry with a revocation lookup in 100,000 revoked hashes, schema, and the CertLogic
 * checkpoint rules) over the valid EU DCC test vectors plus N of our own ES256 certificates (10,000, or 1,000 with
 * --quick), one verification at a time. Ceiling: node:crypto's synchronous verify of the same signatures over the same
 * Sig_structure bytes with KeyObjects made beforehand, in the same run: no verifier does less, so ratio = our rate /
 * ceiling (at most 1). The measurement runs in a child process pinned to CPU 0 (`taskset -c 0`) with
 * UV_THREADPOOL_SIZE=1, so "one core" holds for every thread the process has.
 */
const REVOKED_HASHES = 100_000;
/** Of our own certificates, this share is revoked (its UCI hash in the list) and must fail as revoked. */
const REVOKED_SHARE = 0.01;
const ROUNDS = 3;
const CHILD_FLAG = '--one-core-child';

interface Item {
  text: string;
  clock: Date;
  revoked: boolean;
  /** The ceiling's inputs: the Sig_structure, the signature and node:crypto options with the key. */
  ceiling: { data: Uint8Array; signature: Uint8Array; key: VerifyKeyObjectInput };
}

interface Options {
  quick: boolean;
  size: number | undefined;
  pinning: string;
}

// Vietnamese doses as a checkpoint in December 2021 meets them: mostly AstraZeneca, Pfizer and Vero Cell, partial and
// full series and boosters (EU encoding: 3/3 after two doses, 2/1 after Janssen), dose dates over nine months.
const WEIGHTS: Record<string, number> = { astrazeneca: 8, pfizer: 5, verocell: 4, moderna: 2 };
const vaccines = catalogAt(new Date('2021-12-15T00:00:00Z')).vaccines.flatMap((v) => Array<typeof v>(WEIGHTS[v.code] ?? 1).fill(v));
const NAMES = [['Nguyễn Văn', 'Đức', 'NGUYEN<VAN', 'DUC'], ['Trần Thị', 'Hoa', 'TRAN<THI', 'HOA'], ['Lê', 'Minh Khôi', 'LE', 'MINH<KHOI'], ['Phạm Thị', 'Ngọc Ánh', 'PHAM<THI', 'NGOC<ANH']] as const;

/** A small seeded generator (mulberry32): the same corpus every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(i: number, random: () => number) {
  const vaccine = vaccines[Math.floor(random() * vaccines.length)]!;
  const series = vaccine.seriesDoses;
  const u = random();
  const [dn, sd] = u < 0.2 && series > 1 ? [1, series] : u < 0.85 ? [series, series] : series === 1 ? [2, 1] : [series + 1, series + 1];
  const dt = new Date(Date.UTC(2021, 2, 1) + Math.floor(random() * 280) * 86400_000).toISOString().slice(0, 10);
  const [fn, gn, fnt, gnt] = NAMES[i % NAMES.length]!;
  return {
    ver: '1.3.0',
    nam: { fn, fnt, gn, gnt },
    dob: `19${String(50 + (i % 50)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
    v: [{ tg: '840539006', vp: vaccine.dcc.vp, mp: vaccine.dcc.mp, ma: vaccine.dcc.ma, dn, sd, dt, co: 'VN', is: 'Bộ Y tế (Ministry of Health of Viet Nam)', ci: `URN:UVCI:01:VN:BENCH/${i}` }],
  };
}

/** Revocation batches for our signers: the hashes revoked per signer plus random ones up to `total`, as a trust list carries them. */
async function revocationBatches(chains: readonly TestChain[], revoked: readonly Uint8Array[][], total: number, expires: Date): Promise<RevocationBatch[]> {
  const perKid = Math.ceil(total / chains.length);
  return Promise.all(chains.map((c, k) => {
    const hashes = [...(revoked[k] ?? [])];
    while (hashes.length < perKid) hashes.push(crypto.getRandomValues(new Uint8Array(HASH_BYTES)));
    return createRevocationBatch({ batchId: `bench-${k}`, country: 'VN', kid: c.dsc.kid, hashType: 'UCI', expires, hashes });
  }));
}

/** Every stage before the rules passed and the rules ran; a revoked certificate failed as revoked. */
const asExpected = (r: VerifyResult, it: Item) =>
  it.revoked
    ? r.code === 'revoked' && r.stages.expiry === 'fail'
    : r.stages.signature === 'ok' && r.stages.keyUsage === 'ok' && r.stages.expiry === 'ok' && r.stages.schema === 'ok' && r.stages.rules !== 'skipped';

async function measure(opts: Options): Promise<Metric[]> {
  const own = opts.size ?? (opts.quick ? 1_000 : 10_000);
  const metric = (name: string, value: number, unit: string, extra: Partial<Metric> = {}): Metric => ({ bench: 'certs', metric: name, value, unit, ...extra });

  // Trust: four Vietnamese DSCs (vaccination-only key usage) plus every EU vector's own DSC.
  const chains: TestChain[] = [];
  for (let i = 0; i < 4; i++) chains.push(await createTestChain({ usages: [EKU_OID.vaccination] }));
  const vectors = loadVectors();
  if (vectors.length === 0) progress(`certs: no EU vectors at ${vectorsDir}, own certificates only`);
  const trust = new Map<string, readonly TrustedKey[]>(await prepareTrust(chains.map((c) => ({ certificate: c.dsc.der }))));
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

  // Issuance, one at a time through a Signer (the file signer's path).
  progress(`certs: issuing ${own.toLocaleString('en')} certificates`);
  const issuedAt = new Date('2021-12-10T00:00:00Z');
  const expiresAt = new Date('2022-12-10T00:00:00Z');
  const signers: Signer[] = await Promise.all(chains.map((c) => cryptoKeySigner(c.dsc.keys.privateKey, c.dsc.der)));
  const random = seeded(2021);
  const samples = Array.from({ length: own }, (_, i) => sample(i, random));
  const texts: string[] = [];
  const issueStart = performance.now();
  for (let i = 0; i < own; i++) texts.push(await encodeHcert(samples[i]!, { signer: signers[i % signers.length]!, issuer: 'VN', issuedAt, expiresAt }));
  const issueS = (performance.now() - issueStart) / 1000;

  // The phone's revocation list: REVOKED_HASHES UCI hashes over our signers, 1 % of our certificates among them.
  const revokedTexts = new Set<string>();
  const revokedHashes: Uint8Array[][] = chains.map(() => []);
  for (let i = 0; i < own; i += Math.round(1 / REVOKED_SHARE)) {
    const d = decodeHcert(texts[i]!);
    revokedTexts.add(texts[i]!);
    revokedHashes[i % signers.length]!.push(revocationHash('UCI', d.claims!.dcc as Parameters<typeof revocationHash>[1], d.cose!)!);
  }
  const checkpointDay = new Date('2021-12-15T00:00:00Z'); // 07:00 in Viet Nam
  const revocations: RevocationIndex = buildRevocationIndex({ batches: await revocationBatches(chains, revokedHashes, REVOKED_HASHES, expiresAt) }, checkpointDay);

  // Corpus: EU vectors that verify as valid end to end under their own clock, then ours through one checkpoint day
  // (a verification every 3 seconds from 07:00), shuffled.
  const corpus: { text: string; clock: Date; revoked: boolean }[] = [];
  for (const v of vectors) {
    const clock = clockOf(v);
    if (!v.PREFIX || !clock || !v.TESTCTX.CERTIFICATE) continue;
    if ((await verifyHcert(v.PREFIX, { trust, clock })).valid) corpus.push({ text: v.PREFIX, clock, revoked: false });
  }
  const eu = corpus.length;
  texts.forEach((text, i) => corpus.push({ text, clock: new Date(checkpointDay.getTime() + i * 3000), revoked: revokedTexts.has(text) }));
  for (let i = corpus.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [corpus[i], corpus[j]] = [corpus[j]!, corpus[i]!];
  }
  const keyObjects = new Map<TrustedKey, KeyObject>();
  const items: Item[] = corpus.map((c) => {
    const cose = decodeHcert(c.text).cose;
    if (!cose) throw new Error('certs: a corpus item does not decode');
    const k = findSigningKey(cose, trust);
    if (k instanceof Promise || !k.spki) throw new Error('certs: expected a synchronous check with the key\'s SPKI in Node');
    let key = keyObjects.get(k);
    if (!key) keyObjects.set(k, (key = createPublicKey({ key: Buffer.from(k.spki), format: 'der', type: 'spki' })));
    const options: VerifyKeyObjectInput = k.kty === 'EC' ? { key, dsaEncoding: 'ieee-p1363' } : { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    return { ...c, ceiling: { data: sigStructure(cose).slice(), signature: cose.signature.slice(), key: options } };
  });
  progress(`certs: corpus of ${items.length.toLocaleString('en')} (${eu} valid EU vectors of ${vectors.length}, ${revokedTexts.size} revoked), ${revocations.count.toLocaleString('en')} revoked hashes, ${trust.size} key ids`);

  const baseRules = defaultRuleSet();
  const latencies: number[] = [];
  // Ours: each pass gets a fresh copy of the rule set, so its remembered outcomes start empty (as on a new day).
  const ours = async (list: readonly Item[], ruleSet: RuleSet, record: boolean) => {
    let wrong = 0;
    for (const it of list) {
      const t0 = performance.now();
      const r = await verifyHcert(it.text, { trust, clock: it.clock, ruleSet, revocations });
      if (record) latencies.push(performance.now() - t0);
      if (!asExpected(r, it)) wrong++;
    }
    if (wrong > 0) throw new Error(`certs: ${wrong} verifications did not give the expected outcome`);
  };
  const ceiling = (list: readonly Item[]) => {
    for (const it of list) if (!verify('sha256', it.ceiling.data, it.ceiling.key, it.ceiling.signature)) throw new Error('certs: ceiling verify failed');
  };
  const timed = async (f: () => unknown) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    const s = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    return { perS: items.length / s, cpuUs: (cpu.user + cpu.system) / items.length };
  };

  const warm = items.slice(0, 500);
  await ours(warm, structuredClone(baseRules), false);
  ceiling(warm);
  const oursRuns: { perS: number; cpuUs: number }[] = [];
  const ceilingRuns: { perS: number; cpuUs: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    progress(`certs: round ${r + 1}/${ROUNDS}`);
    // Alternate which goes first, so both see the same drift of a shared machine.
    const rules = structuredClone(baseRules);
    const runOurs = async () => oursRuns.push(await timed(() => ours(items, rules, true)));
    const runCeiling = async () => ceilingRuns.push(await timed(() => ceiling(items)));
    if (r % 2 === 0) {
      await runOurs();
      await runCeiling();
    } else {
      await runCeiling();
      await runOurs();
    }
  }

  const rate = median(oursRuns.map((x) => x.perS));
  const ceilingRate = median(ceilingRuns.map((x) => x.perS));
  const cpu = median(oursRuns.map((x) => x.cpuUs));
  const ceilingCpu = median(ceilingRuns.map((x) => x.cpuUs));
  const size = items.length;
  const distinctDoses = new Set(samples.map((s) => `${s.v[0]!.mp} ${s.v[0]!.dn}/${s.v[0]!.sd} ${s.v[0]!.dt}`)).size;
  const note = `${eu} EU vectors + ${own.toLocaleString('en')} own ES256 (${distinctDoses.toLocaleString('en')} distinct product/dose/date), ${revocations.count.toLocaleString('en')} revoked hashes; ${opts.pinning}; median of ${ROUNDS} rounds`;
  return [
    metric('verify_per_s', rate, '1/s', { baseline: ceilingRate, ratio: rate / ceilingRate, size, note: `one at a time; baseline: node:crypto verify of the same signatures (KeyObjects made beforehand); ${note}` }),
    metric('verify_cpu_us', cpu, 'us', { baseline: ceilingCpu, ratio: ceilingCpu / cpu, size, note: 'CPU time (user+system, every thread) per verification; ratio = ceiling / ours' }),
    metric('verify_p50_ms', percentile(latencies, 50), 'ms', { size, note: `one verification at a time, full pipeline, ${ROUNDS} rounds pooled` }),
    metric('verify_p99_ms', percentile(latencies, 99), 'ms', { size }),
    metric('issue_per_s', own / issueS, '1/s', { size: own, note: 'encodeHcert with a Signer (CBOR, ES256 sign through Web Crypto, zlib, Base45), one at a time' }),
  ];
}

/** Runs the measurement in a child pinned to CPU 0 with one libuv thread; undefined when taskset is missing or cannot pin. */
function measurePinned(opts: Pick<Options, 'quick' | 'size'>): Metric[] | undefined {
  if (spawnSync('taskset', ['-c', '0', 'true']).status !== 0) return undefined;
  const args = [CHILD_FLAG, ...(opts.quick ? ['--quick'] : []), ...(opts.size ? ['--size', String(opts.size)] : [])];
  const child = spawnSync('taskset', ['-c', '0', process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...args], {
    env: { ...process.env, UV_THREADPOOL_SIZE: '1' }, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`certs: the pinned run failed (${child.error?.message ?? `exit ${child.status}`})`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Metric[];
}

export const certsBenchmark: Benchmark = {
  name: 'certs',
  description: 'HC1 certificate verification on one core (EU DCC vectors + own ES256, 100,000 revocations), against node:crypto verify',
  async run(ctx) {
    const opts = { quick: ctx.quick, size: ctx.size };
    let metrics = measurePinned(opts);
    if (!metrics) {
      progress('certs: taskset cannot pin this process: measuring here, not pinned to one core');
      metrics = await measure({ ...opts, pinning: `not pinned (${os.availableParallelism()} CPUs)` });
    }
    progress(`results: ${writeResults('certs', 'none', metrics, { quick: ctx.quick })}`);
    return metrics;
  },
};

// The pinned child: `node --import tsx bench/src/certs.ts --one-core-child [--quick] [--size N]` prints its figures as JSON.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv.includes(CHILD_FLAG)) {
  const at = process.argv.indexOf('--size');
  const pinning = os.availableParallelism() === 1 ? `pinned to one CPU (taskset), UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE}` : 'taskset did not pin';
  measure({ quick: process.argv.includes('--quick'), size: at > 0 ? Number(process.argv[at + 1]) : undefined, pinning }).then(
    (metrics) => process.stdout.write(`${JSON.stringify(metrics)}\n`, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
