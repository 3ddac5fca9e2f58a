import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, compactVerify, CompactSign, decodeProtectedHeader, errors as joseErrors } from 'jose';
import { AppError } from '@sen/domain';
import type { Config } from '../../config';

/**
 * Signed QR tokens for people and venues.
 *
 * Format: a JWS compact serialisation (RFC 7515), ES256, header {"alg":"ES256","kid":<8 chars>}, payload
 * {"k":"p"|"v","r":<reference>,"v":<version>,"i":<issued at, seconds>}. About 190 characters: a version 9-10 QR
 * symbol at error correction M, which scans from a 3 cm print or a phone screen. A COSE_Sign1 in base45 would be
 * about a third smaller, but JWS is verifiable with any JOSE library by a third party (a checkpoint app, an audit)
 * and `jose` is a well-kept, dependency-free implementation, so no hand-rolled CBOR path is added for the QR.
 * The signature covers everything: an altered character anywhere is refused. The reference is random (person) or
 * the venue id (not personal data); nothing in the token names a person.
 *
 * The key is a P-256 private key in `<SEN_KEYS_DIR>/qr-signing.pem` (PKCS#8), made on first use when absent, never
 * in the database. Tokens name the key by `kid` (a JWK thumbprint prefix), so a token from another key (another
 * installation, an old key) is refused as such rather than as a bad signature.
 */

export const QR_KEY_FILE = 'qr-signing.pem';
/** Longer than any token we make (≈200 chars) by a wide margin; anything bigger is refused before parsing. */
export const MAX_TOKEN_LENGTH = 600;
/** Issue times up to this far ahead are tolerated (clock skew between servers). */
const ISSUED_SKEW_SECONDS = 300;
const DAY_SECONDS = 86_400;

export type QrKind = 'person' | 'venue';
const KIND_CODE: Record<QrKind, 'p' | 'v'> = { person: 'p', venue: 'v' };

export interface QrKey {
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  kid: string;
}

export interface QrClaims {
  kind: QrKind;
  ref: string;
  version: number;
  /** When this token was made (signed), not when its version was issued: a card or poster lasts from its printing. */
  issuedAt: Date;
}

/**
 * How long a token of each kind is accepted after it was made (SEN_QR_PERSON_MAX_AGE_DAYS, SEN_QR_VENUE_MAX_AGE_DAYS).
 * Printed cards and posters must last months; the app fetches a fresh personal token whenever it shows one.
 */
export function qrMaxAgeDays(config: Pick<Config, 'SEN_QR_PERSON_MAX_AGE_DAYS' | 'SEN_QR_VENUE_MAX_AGE_DAYS'>, kind: QrKind): number {
  return kind === 'person' ? config.SEN_QR_PERSON_MAX_AGE_DAYS : config.SEN_QR_VENUE_MAX_AGE_DAYS;
}

/** The instant a token made at `issuedAt` stops being accepted. */
export function qrExpiresAt(issuedAt: Date, maxAgeDays: number): Date {
  return new Date(issuedAt.getTime() + maxAgeDays * DAY_SECONDS * 1000);
}

function tokenError(code: string, message: string, status = 400): AppError {
  return new AppError(code, message, { field: 'token' }, status);
}

async function keyFrom(pem: string): Promise<QrKey> {
  const privateKey = crypto.createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${QR_KEY_FILE} must hold a P-256 (prime256v1) EC private key`);
  }
  const publicKey = crypto.createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = (await calculateJwkThumbprint({ kty: 'EC', crv: jwk.crv!, x: jwk.x!, y: jwk.y! })).slice(0, 8);
  return { privateKey, publicKey, kid };
}

/** A fresh key, for tests (a "wrong key") and for first start. */
export async function generateQrKey(): Promise<{ key: QrKey; pem: string }> {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return { key: await keyFrom(pem), pem };
}

const loaded = new Map<string, Promise<QrKey>>();

/**
 * The signing key of a keys directory, made on first use when the file is absent. Creation is race-safe across
 * processes: the key is written to a private temp file and hard-linked into place, which fails if another process
 * got there first (then its key is read).
 */
export function qrSigningKey(keysDir: string): Promise<QrKey> {
  const dir = path.resolve(keysDir);
  let p = loaded.get(dir);
  if (!p) {
    p = loadOrCreate(dir);
    loaded.set(dir, p);
    p.catch(() => loaded.delete(dir));
  }
  return p;
}

async function loadOrCreate(dir: string): Promise<QrKey> {
  const file = path.join(dir, QR_KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { pem } = await generateQrKey();
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, pem, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  return keyFrom(fs.readFileSync(file, 'utf8'));
}

export async function signQrToken(key: QrKey, claims: QrClaims): Promise<string> {
  const payload = JSON.stringify({ k: KIND_CODE[claims.kind], r: claims.ref, v: claims.version, i: Math.floor(claims.issuedAt.getTime() / 1000) });
  return new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'ES256', kid: key.kid }).sign(key.privateKey);
}

const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Checks a scanned token: size, shape, key, signature, kind and claims. Throws a 4xx naming the problem:
 * qr_token_too_large (413), qr_token_malformed, qr_unknown_key, qr_signature_invalid, qr_wrong_kind,
 * qr_issued_in_future (400), qr_expired (410: made more than `maxAgeDays` ago). Whether the version is still
 * current is the caller's check (it needs the database).
 */
export async function verifyQrToken(key: QrKey, raw: unknown, expected: QrKind, now: Date, maxAgeDays: number): Promise<QrClaims> {
  if (typeof raw !== 'string') throw tokenError('qr_token_malformed', 'token: Give the text read from the QR code');
  const token = raw.trim();
  if (token.length > MAX_TOKEN_LENGTH) throw tokenError('qr_token_too_large', `token: A QR token is at most ${MAX_TOKEN_LENGTH} characters`, 413);
  if (!JWS_SHAPE.test(token)) throw tokenError('qr_token_malformed', 'token: This is not a Sen QR code');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw tokenError('qr_token_malformed', 'token: This is not a Sen QR code (unreadable header)');
  }
  if (header.alg !== 'ES256') throw tokenError('qr_token_malformed', 'token: Unsupported signature algorithm');
  if (header.kid !== key.kid) throw tokenError('qr_unknown_key', 'token: This QR code was not signed by this system’s key (another installation or a retired key)');
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, key.publicKey, { algorithms: ['ES256'] }));
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw tokenError('qr_signature_invalid', 'token: The signature does not match: the QR code is forged or altered');
    throw tokenError('qr_token_malformed', 'token: This is not a Sen QR code');
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw tokenError('qr_token_malformed', 'token: Unreadable QR content');
  }
  const b = body as { k?: unknown; r?: unknown; v?: unknown; i?: unknown };
  if (typeof b !== 'object' || b === null || typeof b.r !== 'string' || !Number.isSafeInteger(b.v) || !Number.isSafeInteger(b.i) || (b.v as number) < 1) {
    throw tokenError('qr_token_malformed', 'token: Incomplete QR content');
  }
  if (b.k !== KIND_CODE[expected]) {
    throw tokenError('qr_wrong_kind', expected === 'venue' ? "token: This is a person's QR code, not a venue's" : "token: This is a venue's QR code, not a person's");
  }
  const issuedAt = new Date((b.i as number) * 1000);
  if ((b.i as number) > now.getTime() / 1000 + ISSUED_SKEW_SECONDS) throw tokenError('qr_issued_in_future', 'token: The QR code claims to be issued in the future');
  const expiresAt = qrExpiresAt(issuedAt, maxAgeDays);
  if (expiresAt.getTime() <= now.getTime()) {
    const what = expected === 'venue' ? 'This venue poster' : 'This personal QR code';
    const fix = expected === 'venue' ? 'the venue prints its current poster' : 'open the app for a fresh code, or print a new card';
    throw new AppError('qr_expired', `token: ${what} expired on ${expiresAt.toISOString().slice(0, 10)} (codes last ${maxAgeDays} days): ${fix}`, { field: 'token', expiredAt: expiresAt.toISOString(), maxAgeDays }, 410);
  }
  return { kind: expected, ref: b.r, version: b.v as number, issuedAt };
}

/** A venue id (UUID) as 22 base64url characters: keeps the poster's QR small. */
export function uuidToRef(id: string): string {
  return Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url');
}

export function refToUuid(ref: string): string | null {
  if (!/^[A-Za-z0-9_-]{22}$/.test(ref)) return null;
  const hex = Buffer.from(ref, 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A new opaque person reference: 16 random bytes, 22 base64url characters. */
export function newPersonRef(): string {
  return crypto.randomBytes(16).toString('base64url');
}
