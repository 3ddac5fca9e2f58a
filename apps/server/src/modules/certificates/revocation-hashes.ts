import { createHash } from 'node:crypto';

/**
 * The hashes the EU DCC revocation lists carry (eHealth Network, "DCC revocation", hash types): SHA-256 over the
 * UCI, over the issuing country code followed by the UCI, and over the COSE signature (for ECDSA only its r
 * half), each cut to the first 128 bits and written in base64.
 */
export type RevocationHashType = 'UCI' | 'COUNTRYCODEUCI' | 'SIGNATURE';
export const REVOCATION_HASH_TYPES: readonly RevocationHashType[] = ['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'];

const truncated = (data: Uint8Array | string) => createHash('sha256').update(data).digest().subarray(0, 16).toString('base64');

export function uciHash(uci: string): string {
  return truncated(uci);
}

export function countryUciHash(country: string, uci: string): string {
  return truncated(country + uci);
}

/** ES256 signatures are r||s (64 bytes): only r is hashed, since s can be flipped without breaking the signature. */
export function signatureHash(signature: Uint8Array): string {
  return truncated(signature.length === 64 ? signature.subarray(0, 32) : signature);
}

export function revocationHashes(country: string, uci: string, signature: Uint8Array): Record<RevocationHashType, string> {
  return { UCI: uciHash(uci), COUNTRYCODEUCI: countryUciHash(country, uci), SIGNATURE: signatureHash(signature) };
}
