import { inflateSync, zlibSync } from 'fflate';
import { AppError } from '@sen/domain';
import { base45Decode, base45Encode } from './base45';
import { cborDecode, cborEncode, defaultCborLimits, isCborMap, mapGet, Tag, toPlain, type CborLimits } from './cbor';
import { COSE_ALG, buf, prepareTrust, toHex, type Alg, type TrustEntry, type TrustStore, type TrustedKey } from './keys';
import { dccType, validateDcc, type Dcc } from './schema';
import type { Signer } from './signer';
import { findRevocation, type RevocationIndex } from './revocation';
import type { RuleSet } from './rules';
import { checkpointOutcome } from './checkpoint-cache';
import { checkSignature } from './signature-check';
import type { CryptoKey } from './webcrypto';

export const PREFIX = 'HC1:';

export interface DecodeLimits extends CborLimits {
  /** Characters of the QR text; the largest QR code holds 4,296 alphanumerics. */
  maxTextLength: number;
  /** Bytes after inflate: the zip-bomb cap. */
  maxInflated: number;
}
export const defaultLimits: DecodeLimits = { ...defaultCborLimits, maxTextLength: 8192, maxInflated: 64 * 1024 };

export const STAGES = ['prefix', 'base45', 'inflate', 'cbor', 'cose', 'signature', 'keyUsage', 'expiry', 'schema', 'rules'] as const;
export type Stage = (typeof STAGES)[number];
export type StageStatus = 'ok' | 'fail' | 'skipped';

const fail = (code: string, message: string, details: Record<string, unknown> = {}) => new AppError(code, message, details);

// ---------------- single steps (exported for the conformance runner and the bench) ----------------

export function unprefix(text: string): string {
  if (!text.startsWith(PREFIX)) throw fail('prefix_invalid', `Text does not start with ${PREFIX}`);
  return text.slice(PREFIX.length);
}

/**
 * zlib inflate capped at `max` output bytes (zip bombs). fflate writes into a fixed buffer of max+1 bytes
 * and never grows it, so filling it means the data is too large; the work stays bounded by the input size.
 */
export function inflateCapped(data: Uint8Array, max: number): Uint8Array {
  if (data.length < 6 || (data[0]! & 0x0f) !== 8 || data[0]! >> 4 > 7 || ((data[0]! << 8) | data[1]!) % 31 !== 0 || (data[1]! & 0x20) !== 0) {
    throw fail('inflate_invalid', 'Not zlib data (bad header)');
  }
  if (scratch.length !== max + 1) scratch = new Uint8Array(max + 1);
  let out: Uint8Array;
  try {
    out = inflateSync(data.subarray(2, -4), { out: scratch });
  } catch (e) {
    throw fail('inflate_invalid', `zlib data is invalid: ${(e as Error).message}`);
  }
  if (out.length > max) throw fail('inflate_too_large', `Inflated data exceeds ${max} bytes`, { max });
  const a = adler32(out);
  const b = ((data[data.length - 4]! << 24) | (data[data.length - 3]! << 16) | (data[data.length - 2]! << 8) | data[data.length - 1]!) >>> 0;
  if (a !== b) throw fail('inflate_invalid', 'zlib checksum (Adler-32) does not match');
  return out.slice();
}
let scratch = new Uint8Array(0);

function adler32(d: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < d.length; ) {
    const end = Math.min(i + 3800, d.length);
    for (; i < end; i++) {
      a += d[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

export interface CoseSign1 {
  protectedBytes: Uint8Array;
  protectedHeader: unknown;
  unprotectedHeader: unknown;
  payload: Uint8Array;
  signature: Uint8Array;
  alg: number | undefined;
  kid: Uint8Array | undefined;
}

/** COSE_Sign1, tag 18; tolerated wrappers: none (untagged) and CWT tag 61. */
export function parseCoseSign1(decoded: unknown, limits: CborLimits = defaultLimits): CoseSign1 {
  let v = decoded;
  if (v instanceof Tag && Number(v.tag) === 61) v = v.contents;
  if (v instanceof Tag) {
    if (Number(v.tag) !== 18) throw fail('cose_invalid', `Unexpected CBOR tag ${v.tag}, COSE_Sign1 is 18`);
    v = v.contents;
  }
  if (!Array.isArray(v) || v.length !== 4) throw fail('cose_invalid', 'COSE_Sign1 must be an array of 4');
  const [p, u, payload, signature] = v as unknown[];
  if (!(p instanceof Uint8Array)) throw fail('cose_invalid', 'Protected header must be a byte string');
  if (!isCborMap(u)) throw fail('cose_invalid', 'Unprotected header must be a map');
  if (!(payload instanceof Uint8Array)) throw fail('cose_invalid', 'Payload must be a byte string');
  if (!(signature instanceof Uint8Array)) throw fail('cose_invalid', 'Signature must be a byte string');
  const protectedHeader = decodeProtectedHeader(p, limits);
  // kid from the protected header; the unprotected one only when the protected has none.
  const kidP = mapGet(protectedHeader, 4);
  const kid = kidP !== undefined ? kidP : mapGet(u, 4);
  if (kid !== undefined && !(kid instanceof Uint8Array)) throw fail('cose_invalid', 'kid must be a byte string');
  // Same fallback for alg: the key type check below keeps an unprotected alg from doing harm.
  const algP = mapGet(protectedHeader, 1);
  const alg = algP !== undefined ? algP : mapGet(u, 1);
  if (alg !== undefined && typeof alg !== 'number') throw fail('cose_invalid', 'alg must be an integer');
  return { protectedBytes: p, protectedHeader, unprotectedHeader: u, payload, signature, alg, kid };
}

// A signer's certificates all carry the same protected header bytes (alg and kid), so decoded headers are kept by
// their bytes. Treat a CoseSign1's protectedHeader as read-only: it may be shared.
const PROTECTED_HEADER_CACHE_MAX = 256;
const PROTECTED_HEADER_MAX_BYTES = 64;
const protectedHeaders = new Map<string, unknown>();

function decodeProtectedHeader(bytes: Uint8Array, limits: CborLimits): unknown {
  if (bytes.length === 0) return new Map();
  // Only under the default depth limit, so a header decoded under one caller's limits never reaches another's.
  const cacheable = bytes.length <= PROTECTED_HEADER_MAX_BYTES && bytes.length <= limits.maxBytes && limits.maxDepth === defaultLimits.maxDepth;
  const key = cacheable ? String.fromCharCode(...bytes) : '';
  let header = cacheable ? protectedHeaders.get(key) : undefined;
  if (header === undefined) {
    header = cborDecode(bytes, limits);
    if (!isCborMap(header)) throw fail('cose_invalid', 'Protected header must encode a map');
    if (cacheable) {
      if (protectedHeaders.size >= PROTECTED_HEADER_CACHE_MAX) protectedHeaders.clear();
      protectedHeaders.set(key, header);
    }
  }
  return header;
}

export interface HcertClaims {
  issuer: string | undefined;
  issuedAt: number | undefined;
  expiresAt: number | undefined;
  /** The DCC as decoded, before schema validation. */
  dcc: unknown;
}

export function parseCwt(payload: Uint8Array, limits: CborLimits = defaultLimits): HcertClaims {
  const cwt = cborDecode(payload, limits);
  if (!isCborMap(cwt)) throw fail('cwt_invalid', 'CWT payload must be a map');
  const issuer = mapGet(cwt, 1);
  if (issuer !== undefined && typeof issuer !== 'string') throw fail('cwt_invalid', 'CWT issuer must be text');
  const hcert = mapGet(cwt, -260);
  if (!isCborMap(hcert)) throw fail('cwt_invalid', 'CWT claim -260 (hcert) is missing');
  const dcc = mapGet(hcert, 1);
  if (!isCborMap(dcc)) throw fail('cwt_invalid', 'hcert claim 1 (DCC) is missing');
  return { issuer, issuedAt: numericClaim(cwt, 6), expiresAt: numericClaim(cwt, 4), dcc: toPlain(dcc) };
}

function numericClaim(cwt: unknown, key: number): number | undefined {
  const v = mapGet(cwt, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw fail('cwt_invalid', `CWT claim ${key} must be a number`);
  return v;
}

// CBOR for ["Signature1", protected, h'', payload], written by hand: it runs once per verification.
const SIG1_HEAD = new Uint8Array([0x84, 0x6a, ...new TextEncoder().encode('Signature1')]);
const bstrHead = (n: number): number[] =>
  n < 24 ? [0x40 | n] : n < 0x100 ? [0x58, n] : n < 0x10000 ? [0x59, n >> 8, n & 0xff] : [0x5a, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

export function sigStructure(cose: Pick<CoseSign1, 'protectedBytes' | 'payload'>): Uint8Array {
  const parts = [SIG1_HEAD, bstrHead(cose.protectedBytes.length), cose.protectedBytes, EMPTY_BSTR, bstrHead(cose.payload.length), cose.payload];
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
const EMPTY_BSTR = [0x40];

/**
 * Tries every trusted key with the COSE kid; the algorithm must fit the key type. Returns the key that verified:
 * at once where the check is synchronous (Node), as a promise where it is not (Web Crypto in the browser).
 * Throws (or rejects) with the reason otherwise.
 */
export function findSigningKey(cose: CoseSign1, trust: TrustStore): TrustedKey | Promise<TrustedKey> {
  if (!cose.kid) throw fail('kid_missing', 'No kid in the COSE headers');
  const kidHex = toHex(cose.kid);
  const candidates = trust.get(kidHex) ?? [];
  if (candidates.length === 0) throw fail('kid_unknown', `No trusted key with kid ${kidHex}`);
  return tryKeys(cose, candidates, sigStructure(cose), 0, 0);
}

function tryKeys(cose: CoseSign1, candidates: readonly TrustedKey[], data: Uint8Array, from: number, mismatches: number): TrustedKey | Promise<TrustedKey> {
  for (let i = from; i < candidates.length; i++) {
    const k = candidates[i]!;
    const fits = (cose.alg === COSE_ALG.ES256 && k.kty === 'EC') || (cose.alg === COSE_ALG.PS256 && k.kty === 'RSA');
    if (!fits) {
      mismatches++;
      continue;
    }
    if (k.kty === 'EC' && cose.signature.length !== 64) continue;
    const ok = checkSignature(k, cose.signature, data);
    if (ok instanceof Promise) return ok.then((yes) => (yes ? k : tryKeys(cose, candidates, data, i + 1, mismatches)));
    if (ok) return k;
  }
  if (cose.alg !== COSE_ALG.ES256 && cose.alg !== COSE_ALG.PS256) throw fail('alg_unsupported', `COSE algorithm ${cose.alg} is not supported`);
  if (mismatches === candidates.length) throw fail('alg_key_mismatch', 'The COSE algorithm does not match the type of any key with this kid');
  throw fail('signature_invalid', 'Signature does not verify');
}

/** findSigningKey, always as a promise. */
export async function verifyCoseSignature(cose: CoseSign1, trust: TrustStore): Promise<TrustedKey> {
  return findSigningKey(cose, trust);
}

export function checkKeyUsage(key: Pick<TrustedKey, 'types'>, dcc: unknown): void {
  const type = dccType(dcc);
  if (!type) throw fail('key_usage', 'Certificate type (v, t or r) cannot be determined');
  if (key.types && !key.types.has(type)) throw fail('key_usage', `The signing certificate may not sign type ${type}`, { allowed: [...key.types] });
}

export function checkExpiry(claims: Pick<HcertClaims, 'issuedAt' | 'expiresAt'>, clock: Date, skewSeconds = 300): void {
  const now = clock.getTime() / 1000;
  if (claims.expiresAt === undefined) throw fail('expiry_missing', 'No expiry (exp) claim');
  if (claims.expiresAt < now) throw fail('expired', `Expired at ${new Date(claims.expiresAt * 1000).toISOString()}`);
  if (claims.issuedAt !== undefined && claims.issuedAt > now + skewSeconds) {
    throw fail('not_yet_valid', `Issued in the future (${new Date(claims.issuedAt * 1000).toISOString()})`);
  }
}

// ---------------- pipeline ----------------

export interface Decoded {
  stages: Pick<Record<Stage, StageStatus>, 'prefix' | 'base45' | 'inflate' | 'cbor' | 'cose'>;
  reason?: string;
  code?: string;
  cose?: CoseSign1;
  claims?: HcertClaims;
}

export function decodeHcert(text: string, limits?: Partial<DecodeLimits>): Decoded {
  const l = limits ? { ...defaultLimits, ...limits } : defaultLimits;
  const stages: Decoded['stages'] = { prefix: 'skipped', base45: 'skipped', inflate: 'skipped', cbor: 'skipped', cose: 'skipped' };
  let stage: keyof Decoded['stages'] = 'prefix';
  try {
    if (text.length > l.maxTextLength) throw fail('text_too_long', `Text longer than ${l.maxTextLength} characters`);
    const b45 = unprefix(text);
    stages.prefix = 'ok';
    stage = 'base45';
    const compressed = base45Decode(b45);
    stages.base45 = 'ok';
    stage = 'inflate';
    const raw = inflateCapped(compressed, l.maxInflated);
    stages.inflate = 'ok';
    stage = 'cbor';
    const outer = cborDecode(raw, l);
    stages.cbor = 'ok';
    stage = 'cose';
    const cose = parseCoseSign1(outer, l);
    const claims = parseCwt(cose.payload, l);
    stages.cose = 'ok';
    return { stages, cose, claims };
  } catch (e) {
    stages[stage] = 'fail';
    const err = e instanceof AppError ? e : fail('decode_failed', (e as Error).message);
    return { stages, reason: err.message, code: err.code };
  }
}

export interface RuleOutcome {
  ok: boolean;
  reason?: string;
}

export interface VerifyOptions {
  trust: TrustStore | readonly TrustEntry[];
  clock?: Date;
  /** Business rules (CertLogic later); skipped when absent. */
  rules?: (dcc: Dcc, claims: HcertClaims) => RuleOutcome | Promise<RuleOutcome>;
  limits?: Partial<DecodeLimits>;
  skewSeconds?: number;
  /** Revoked certificate hashes (from the trust list); a hit fails the expiry (validity) stage with code "revoked". */
  revocations?: RevocationIndex;
  /** CertLogic rules (from the trust list): the checkpoint rules run in the rules stage. */
  ruleSet?: RuleSet;
}

export interface VerifyResult {
  valid: boolean;
  stages: Record<Stage, StageStatus>;
  reason?: string;
  code?: string;
  kid?: string;
  issuer?: string;
  issuedAt?: string;
  expiresAt?: string;
  /** Only when the signature verified. */
  payload?: Dcc;
}

export async function verifyHcert(text: string, opts: VerifyOptions): Promise<VerifyResult> {
  const decoded = decodeHcert(text, opts.limits);
  const log = new StageLog({ ...decoded.stages, signature: 'skipped', keyUsage: 'skipped', expiry: 'skipped', schema: 'skipped', rules: 'skipped' });
  if (!decoded.cose || !decoded.claims) return { valid: false, stages: log.stages, reason: decoded.reason, code: decoded.code };
  const { cose, claims } = decoded;
  const trust = isTrustStore(opts.trust) ? opts.trust : await prepareTrust(opts.trust);
  // Every stage but the signature in the browser (Web Crypto) and a caller's own rules runs synchronously, and no
  // closure is made per verification (tsx names each one, which costs more than the stage).
  let key: TrustedKey | undefined;
  try {
    const found = findSigningKey(cose, trust);
    key = found instanceof Promise ? await found : found;
    log.pass('signature');
  } catch (e) {
    log.fail('signature', e);
  }
  if (key) log.run('keyUsage', checkKeyUsage, key, claims.dcc);
  const clock = opts.clock ?? new Date();
  log.run('expiry', checkValidity, claims, clock, opts.skewSeconds, opts.revocations, key, cose);
  const schema = validateDcc(claims.dcc);
  if (schema.ok) log.pass('schema');
  else log.refuse('schema', 'schema_invalid', `DCC does not match schema 1.3: ${schema.reason}`);
  const dcc = schema.ok ? schema.dcc : undefined;
  if (dcc && key) {
    if (opts.rules) {
      try {
        const pending = opts.rules(dcc, claims);
        log.judge('rules', pending instanceof Promise ? await pending : pending);
      } catch (e) {
        log.fail('rules', e);
      }
    } else if (opts.ruleSet) {
      log.judge('rules', checkpointOutcome(opts.ruleSet, dcc, clock));
    }
  }
  const { stages, first } = log;
  const valid = first === undefined && stages.signature === 'ok' && stages.keyUsage === 'ok' && stages.expiry === 'ok' && stages.schema === 'ok';
  return {
    valid, stages, reason: first?.message, code: first?.code,
    kid: cose.kid ? toHex(cose.kid) : undefined, issuer: claims.issuer, issuedAt: isoOf(claims.issuedAt), expiresAt: isoOf(claims.expiresAt),
    payload: key ? dcc : undefined,
  };
}

/** Stage outcomes of one verification and its first failure. */
class StageLog {
  first: { code: string; message: string } | undefined;
  constructor(readonly stages: Record<Stage, StageStatus>) {}

  pass(stage: Stage): void {
    this.stages[stage] = 'ok';
  }

  refuse(stage: Stage, code: string, message: string): void {
    this.stages[stage] = 'fail';
    this.first ??= { code, message };
  }

  fail(stage: Stage, e: unknown): void {
    if (e instanceof AppError) this.refuse(stage, e.code, e.message);
    else this.refuse(stage, `${stage}_failed`, (e as Error).message);
  }

  /** Runs a check that throws on failure. */
  run<A extends unknown[]>(stage: Stage, check: (...args: A) => void, ...args: A): void {
    try {
      check(...args);
      this.pass(stage);
    } catch (e) {
      this.fail(stage, e);
    }
  }

  /** Records the outcome of business rules. */
  judge(stage: Stage, outcome: RuleOutcome): void {
    if (outcome.ok) this.pass(stage);
    else this.refuse(stage, 'rules_failed', outcome.reason ?? 'Business rules not met');
  }
}

/** Expiry, issue time and, with a revocation list, revocation (the stages have no revocation stage). */
function checkValidity(claims: HcertClaims, clock: Date, skewSeconds: number | undefined, revocations: RevocationIndex | undefined, key: TrustedKey | undefined, cose: CoseSign1): void {
  checkExpiry(claims, clock, skewSeconds);
  if (revocations && revocations.count > 0 && key) {
    const hit = findRevocation(revocations, toHex(key.kid), claims.dcc as Parameters<typeof findRevocation>[2], cose);
    if (hit) throw fail('revoked', `Certificate revoked (${hit} hash listed)`, { hashType: hit });
  }
}

const isoOf = (seconds: number | undefined) => (seconds === undefined ? undefined : new Date(seconds * 1000).toISOString());

const isTrustStore = (t: TrustStore | readonly TrustEntry[]): t is TrustStore => t instanceof Map;

// ---------------- issuance ----------------

/** A bare Web Crypto key with its kid (tests, and PS256 which a file Signer does not do). */
export interface KeySigner {
  privateKey: CryptoKey;
  kid: Uint8Array;
  alg: Alg;
}

export interface EncodeOptions {
  /** A Signer (file-backed DSC, ES256) or a bare key. */
  signer: Signer | KeySigner;
  issuer: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** Builds the signed COSE_Sign1 bytes (tag 18) for a DCC. */
export async function signHcert(payload: Dcc | Record<string, unknown>, opts: EncodeOptions): Promise<Uint8Array> {
  const { signer } = opts;
  const secs = (d: Date) => Math.floor(d.getTime() / 1000);
  const cwt = new Map<number, unknown>([
    [1, opts.issuer],
    [6, secs(opts.issuedAt)],
    [4, secs(opts.expiresAt)],
    [-260, new Map([[1, payload]])],
  ]);
  const alg: Alg = 'privateKey' in signer ? signer.alg : 'ES256';
  const protectedBytes = cborEncode(new Map<number, unknown>([[1, COSE_ALG[alg]], [4, signer.kid]]));
  const body = cborEncode(cwt);
  const toSign = buf(sigStructure({ protectedBytes, payload: body }));
  let signature: Uint8Array;
  if ('privateKey' in signer) {
    const params = alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSA-PSS', saltLength: 32 };
    signature = new Uint8Array(await crypto.subtle.sign(params, signer.privateKey, toSign));
  } else {
    signature = await signer.sign(toSign);
    if (signature.length !== 64) throw fail('signer_invalid', 'An ES256 signer must return a 64-byte r||s signature');
  }
  return cborEncode(new Tag(18, [protectedBytes, new Map(), body, signature]));
}

export const wrapCose = (cose: Uint8Array): string => PREFIX + base45Encode(zlibSync(cose, { level: 9 }));

export async function encodeHcert(payload: Dcc | Record<string, unknown>, opts: EncodeOptions): Promise<string> {
  return wrapCose(await signHcert(payload, opts));
}
