import crypto from 'node:crypto';
import { qrExpiresAt, verifyQrToken, type QrClaims, type QrKey } from './qr-signing';

/** Tokens remembered per signing key (about 200 bytes each). */
const MAX_REMEMBERED = 50_000;
const remembered = new WeakMap<QrKey, Map<string, QrClaims>>();

function rememberedFor(key: QrKey): Map<string, QrClaims> {
  let tokens = remembered.get(key);
  if (!tokens) remembered.set(key, (tokens = new Map()));
  return tokens;
}

/**
 * Checks scanned personal tokens (verifyQrToken) and returns their claims in order. An ES256 signature check costs
 * about 0.1 ms of CPU, so the tokens this process has verified are remembered, least recently used first out, by
 * the SHA-256 of the token: a venue's batch holds the same printed cards day after day, and a retried offline sync
 * holds the same tokens again. What is remembered depends only on the token and the key (signature, kind, claims);
 * the checks that depend on the time (issued in the future, expired) are made again at each use, falling back to a
 * full check when they fail. Whether the token's version is still current is the caller's check in the database,
 * so a rotated code stays refused. The first bad token is thrown as `onError(index, error)` gives it. (Verifying
 * the new tokens concurrently on the thread pool used no less CPU and took longer on a busy 2-core machine.)
 */
export async function verifyPersonTokens(
  key: QrKey, tokens: readonly unknown[], now: Date, maxAgeDays: number, onError: (index: number, err: unknown) => unknown,
): Promise<QrClaims[]> {
  const known = rememberedFor(key);
  const claims: QrClaims[] = [];
  for (const [i, token] of tokens.entries()) {
    const hash = typeof token === 'string' ? crypto.createHash('sha256').update(token.trim()).digest('base64url') : null;
    const hit = hash === null ? undefined : known.get(hash);
    if (hit && hit.issuedAt.getTime() <= now.getTime() && qrExpiresAt(hit.issuedAt, maxAgeDays).getTime() > now.getTime()) {
      known.delete(hash!);
      known.set(hash!, hit);
      claims.push(hit);
      continue;
    }
    try {
      claims.push(await verifyQrToken(key, token, 'person', now, maxAgeDays));
    } catch (err) {
      throw onError(i, err);
    }
    if (hash !== null) {
      known.set(hash, claims.at(-1)!);
      if (known.size > MAX_REMEMBERED) known.delete(known.keys().next().value!);
    }
  }
  return claims;
}
