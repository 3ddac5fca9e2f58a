// Revocation as the EU DCC revocation spec defines it: batches of truncated SHA-256 hashes (first 128 bits),
// each for one signer kid and hash type, with an expiry. Our wire form keeps a batch's hashes as ONE base64 string
// of sorted 16-byte values, which is also the phone's cache layout: lookups are binary searches. Browser-safe.
import { sha256 } from '@noble/hashes/sha2';
import { AppError } from '@sen/domain';
import { fromBase64, toBase64, toHex } from './keys';
import type { CoseSign1 } from './hcert';

export const HASH_TYPES = ['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'] as const;
export type RevocationHashType = (typeof HASH_TYPES)[number];
export const HASH_BYTES = 16;

export interface RevocationBatch {
  batchId: string;
  country: string;
  /** Signer kid, base64 (hashes apply to certificates signed by this key). */
  kid: string;
  hashType: RevocationHashType;
  /** The batch can be dropped after this instant (ISO 8601): its certificates have expired by then. */
  expires: string;
  /** Sorted, distinct 16-byte hashes, concatenated, base64. */
  hashes: string;
}

export interface Revocations {
  batches: RevocationBatch[];
}

const enc = new TextEncoder();
// Synchronous (a lookup runs inside every verification); as fast as node:crypto for inputs this short.
const sha256_128 = (bytes: Uint8Array) => sha256(bytes).slice(0, HASH_BYTES);

/**
 * The SIGNATURE hash input: the whole signature for RSA; for ECDSA only r (the first half of r||s), since s can be
 * replaced by n - s without breaking the signature (malleability).
 */
const signatureHashInput = (cose: Pick<CoseSign1, 'alg' | 'signature'>) =>
  cose.alg === -7 && cose.signature.length === 64 ? cose.signature.subarray(0, 32) : cose.signature;

export function revocationHash(type: RevocationHashType, dcc: { v?: { ci: string; co: string }[]; t?: { ci: string; co: string }[]; r?: { ci: string; co: string }[] }, cose: Pick<CoseSign1, 'alg' | 'signature'>): Uint8Array | null {
  if (type === 'SIGNATURE') return sha256_128(signatureHashInput(cose));
  const entry = dcc.v?.[0] ?? dcc.t?.[0] ?? dcc.r?.[0];
  if (!entry) return null;
  return sha256_128(enc.encode(type === 'UCI' ? entry.ci : `${entry.co}${entry.ci}`));
}

export function compareHash(a: Uint8Array, ai: number, b: Uint8Array, bi: number): number {
  for (let k = 0; k < HASH_BYTES; k++) {
    const d = a[ai + k]! - b[bi + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** Sorts and de-duplicates 16-byte hashes into one buffer. */
export function packHashes(hashes: readonly Uint8Array[]): Uint8Array {
  for (const h of hashes) if (h.length !== HASH_BYTES) throw new AppError('revocation_hash_invalid', `A revocation hash must be ${HASH_BYTES} bytes`);
  const sorted = [...hashes].sort((a, b) => compareHash(a, 0, b, 0));
  const out = new Uint8Array(sorted.length * HASH_BYTES);
  let n = 0;
  for (const h of sorted) {
    if (n > 0 && compareHash(out, (n - 1) * HASH_BYTES, h, 0) === 0) continue;
    out.set(h, n * HASH_BYTES);
    n++;
  }
  return out.slice(0, n * HASH_BYTES);
}

/** Binary search in sorted packed hashes. */
export function containsHash(packed: Uint8Array, hash: Uint8Array): boolean {
  let lo = 0;
  let hi = packed.length / HASH_BYTES - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareHash(packed, mid * HASH_BYTES, hash, 0);
    if (c === 0) return true;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export async function createRevocationBatch(opts: { batchId: string; country: string; kid: Uint8Array; hashType: RevocationHashType; expires: Date; hashes: readonly Uint8Array[] }): Promise<RevocationBatch> {
  return { batchId: opts.batchId, country: opts.country, kid: toBase64(opts.kid), hashType: opts.hashType, expires: opts.expires.toISOString(), hashes: toBase64(packHashes(opts.hashes)) };
}

/** In-memory index: kid hex -> hash type -> packed sorted hashes (batches of one kid and type merged). */
export interface RevocationIndex {
  byKid: Map<string, Map<RevocationHashType, Uint8Array>>;
  count: number;
}

export function buildRevocationIndex(revocations: Revocations | undefined, now: Date): RevocationIndex {
  const parts = new Map<string, Map<RevocationHashType, Uint8Array[]>>();
  for (const b of revocations?.batches ?? []) {
    if (!HASH_TYPES.includes(b.hashType)) throw new AppError('revocation_invalid', `Unknown revocation hash type ${String(b.hashType)}`);
    if (Date.parse(b.expires) < now.getTime()) continue;
    const packed = fromBase64(b.hashes);
    if (packed.length % HASH_BYTES !== 0) throw new AppError('revocation_invalid', `Batch ${b.batchId}: hashes are not a multiple of ${HASH_BYTES} bytes`);
    for (let i = HASH_BYTES; i < packed.length; i += HASH_BYTES) {
      if (compareHash(packed, i - HASH_BYTES, packed, i) >= 0) throw new AppError('revocation_invalid', `Batch ${b.batchId}: hashes are not sorted`);
    }
    const kid = toHex(fromBase64(b.kid));
    const byType = parts.get(kid) ?? new Map<RevocationHashType, Uint8Array[]>();
    byType.set(b.hashType, [...(byType.get(b.hashType) ?? []), packed]);
    parts.set(kid, byType);
  }
  const byKid = new Map<string, Map<RevocationHashType, Uint8Array>>();
  let count = 0;
  for (const [kid, byType] of parts) {
    const m = new Map<RevocationHashType, Uint8Array>();
    for (const [type, list] of byType) {
      const merged = list.length === 1 ? list[0]! : packHashes(list.flatMap((p) => Array.from({ length: p.length / HASH_BYTES }, (_, i) => p.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES))));
      m.set(type, merged);
      count += merged.length / HASH_BYTES;
    }
    byKid.set(kid, m);
  }
  return { byKid, count };
}

/** The hash type that matched, or null. Only hashes of the types present for this kid are computed. */
export function findRevocation(index: RevocationIndex, kidHex: string, dcc: Parameters<typeof revocationHash>[1], cose: Pick<CoseSign1, 'alg' | 'signature'>): RevocationHashType | null {
  const byType = index.byKid.get(kidHex);
  if (!byType) return null;
  for (const [type, packed] of byType) {
    const h = revocationHash(type, dcc, cose);
    if (h && containsHash(packed, h)) return type;
  }
  return null;
}
