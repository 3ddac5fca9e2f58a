import { AppError } from '@sen/domain';
import { EC_PARAMS, buf, kidOf } from './keys';
import type { CryptoKey } from './webcrypto';

/**
 * A document signer (DSC) that signs COSE Sig_structures with ES256. The private key stays wherever the
 * implementation keeps it (a file, later an HSM); callers only see the kid and the certificate.
 */
export interface Signer {
  /** First 8 bytes of SHA-256 over certificateDer. */
  kid: Uint8Array;
  /** The DSC, DER. */
  certificateDer: Uint8Array;
  /** ES256 over `data`: the raw 64-byte r||s signature COSE wants (not DER). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A Signer over a Web Crypto ECDSA P-256 private key (browser-safe; the file signer builds on it). */
export async function cryptoKeySigner(privateKey: CryptoKey, certificateDer: Uint8Array): Promise<Signer> {
  if (privateKey.algorithm.name !== 'ECDSA' || (privateKey.algorithm as { namedCurve?: string }).namedCurve !== 'P-256') {
    throw new AppError('signer_key_unsupported', 'A signer key must be ECDSA P-256 (ES256)');
  }
  const kid = await kidOf(certificateDer);
  return {
    kid,
    certificateDer,
    async sign(data) {
      return new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, buf(data)));
    },
  };
}

/** PEM armour helpers (browser-safe). */
export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = btoa(Array.from(der, (x) => String.fromCharCode(x)).join(''));
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

export function pemDecode(label: string, pem: string): Uint8Array {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (!m) throw new AppError('pem_invalid', `No ${label} PEM block`);
  const bin = atob(m[1]!.replace(/\s+/g, ''));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Imports a PKCS#8 ES256 private key (DER) for signing only. */
export async function importPkcs8Es256(der: Uint8Array, extractable = false): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey('pkcs8', buf(der), EC_PARAMS, extractable, ['sign']);
  } catch (e) {
    throw new AppError('signer_key_invalid', `Private key is not a PKCS#8 EC P-256 key: ${(e as Error).message}`);
  }
}
