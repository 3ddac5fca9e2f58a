// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { AppError } from '@sen/domain';
import type { DccType } from './schema';
import type { CryptoKey, CryptoKeyPair } from './webcrypto';

export type Alg = 'ES256' | 'PS256';
export type KeyType = 'EC' | 'RSA';

/** COSE algorithm ids (RFC 9053). */
export const COSE_ALG: Record<Alg, number> = { ES256: -7, PS256: -37 };

export const EC_PARAMS = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const PSS_PARAMS = { name: 'RSA-PSS', hash: 'SHA-256' } as const;

// Extended key usage OIDs of a DSC: which certificate types it may sign. Both spellings occur in the wild.
const EKU_TYPE: Record<string, DccType> = {
  '1.3.6.1.4.1.1847.2021.1.1': 't', '1.3.6.1.4.1.1847.2021.1.2': 'v', '1.3.6.1.4.1.1847.2021.1.3': 'r',
  '1.3.6.1.4.1.0.1847.2021.1.1': 't', '1.3.6.1.4.1.0.1847.2021.1.2': 'v', '1.3.6.1.4.1.0.1847.2021.1.3': 'r',
};
export const EKU_OID = { test: '1.3.6.1.4.1.1847.2021.1.1', vaccination: '1.3.6.1.4.1.1847.2021.1.2', recovery: '1.3.6.1.4.1.1847.2021.1.3' } as const;

export interface TrustEntry {
  /** Required with a bare publicKey; derived from the certificate otherwise. */
  kid?: Uint8Array;
  publicKey?: CryptoKey;
  /** DSC, DER. */
  certificate?: Uint8Array;
}

export interface TrustedKey {
  kid: Uint8Array;
  key: CryptoKey;
  kty: KeyType;
  /** The SubjectPublicKeyInfo DER, when known: Node verifies with it synchronously (see signature-check.ts). */
  spki?: Uint8Array;
  /** Certificate types this key may sign; null when the DSC restricts nothing. */
  types: ReadonlySet<DccType> | null;
}

/** kid -> every key with that kid (kids collide: 8 bytes, chosen by issuers). */
export type TrustStore = ReadonlyMap<string, readonly TrustedKey[]>;

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
export const toHex = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX_BYTE[b[i]!]!;
  return s;
};
export const fromHex = (s: string) => {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new AppError('hex_invalid', 'not hex');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
};
export const fromBase64 = (s: string) => {
  const bin = atob(s.replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
};
export const toBase64 = (b: Uint8Array) => btoa(Array.from(b, (x) => String.fromCharCode(x)).join(''));

/** Web Crypto wants an ArrayBuffer-backed view; copy when the input is a view on something else. */
export const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => (b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b));

/** kid = first 8 bytes of SHA-256 over the DSC DER. */
export async function kidOf(certificateDer: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf(certificateDer))).slice(0, 8);
}

// SPKI algorithm OIDs, DER-encoded: enough to tell EC from RSA without a second ASN.1 parser.
const OID_EC = fromHex('2a8648ce3d0201');
const OID_RSA = fromHex('2a864886f70d010101');
const OID_PSS = fromHex('2a864886f70d01010a');
const contains = (hay: Uint8Array, needle: Uint8Array, limit: number) => {
  outer: for (let i = 0; i + needle.length <= Math.min(hay.length, limit); i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
};

export async function importSpki(spki: Uint8Array): Promise<{ key: CryptoKey; kty: KeyType }> {
  if (contains(spki, OID_EC, 32)) return { key: await crypto.subtle.importKey('spki', buf(spki), EC_PARAMS, false, ['verify']), kty: 'EC' };
  if (contains(spki, OID_RSA, 32) || contains(spki, OID_PSS, 32)) {
    return { key: await crypto.subtle.importKey('spki', buf(spki), PSS_PARAMS, false, ['verify']), kty: 'RSA' };
  }
  throw new AppError('key_unsupported', 'Public key type is not supported (EC P-256 or RSA only)');
}

export function parseCertificate(der: Uint8Array): x509.X509Certificate {
  try {
    return new x509.X509Certificate(buf(der));
  } catch (e) {
    throw new AppError('certificate_invalid', `Certificate cannot be parsed: ${(e as Error).message}`);
  }
}

/** Types a DSC may sign, from its extended key usage; null = unrestricted. */
export function certificateTypes(cert: x509.X509Certificate): ReadonlySet<DccType> | null {
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  if (!eku) return null;
  const types = new Set<DccType>();
  for (const oid of eku.usages) {
    const t = EKU_TYPE[String(oid)];
    if (t) types.add(t);
  }
  return types.size === 0 ? null : types;
}

export async function trustedKeyFromCertificate(der: Uint8Array): Promise<TrustedKey> {
  const cert = parseCertificate(der);
  const spki = new Uint8Array(cert.publicKey.rawData);
  const { key, kty } = await importSpki(spki);
  return { kid: await kidOf(der), key, kty, types: certificateTypes(cert), spki };
}

export async function prepareTrust(entries: readonly TrustEntry[]): Promise<TrustStore> {
  const store = new Map<string, TrustedKey[]>();
  for (const e of entries) {
    let k: TrustedKey;
    if (e.certificate) {
      k = await trustedKeyFromCertificate(e.certificate);
      if (e.kid) k = { ...k, kid: e.kid };
    } else if (e.publicKey && e.kid) {
      const kty: KeyType = e.publicKey.algorithm.name === 'ECDSA' ? 'EC' : 'RSA';
      // A key imported as not extractable keeps its SPKI to itself; it is then verified through Web Crypto.
      const spki = await crypto.subtle.exportKey('spki', e.publicKey).then((b) => new Uint8Array(b), () => undefined);
      k = { kid: e.kid, key: e.publicKey, kty, types: null, spki };
    } else {
      throw new AppError('trust_entry_invalid', 'A trust entry needs a certificate, or a public key with its kid');
    }
    const hex = toHex(k.kid);
    store.set(hex, [...(store.get(hex) ?? []), k]);
  }
  return store;
}

/** Reads signer certificates given as PEM (one or more blocks) or as one base64 DER. */
export function certificatesFromText(text: string): Uint8Array[] {
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => m[1]!);
  const b64s = blocks.length > 0 ? blocks : [text];
  return b64s.map((b) => {
    const b64 = b.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new AppError('certificate_invalid', 'Certificate must be PEM or base64 DER');
    return fromBase64(b64);
  });
}

// ---- Test and demo helpers: key pairs and a self-signed CSCA -> DSC chain ----

export async function generateSigningKey(alg: Alg = 'ES256'): Promise<CryptoKeyPair> {
  if (alg === 'ES256') return crypto.subtle.generateKey(EC_PARAMS, true, ['sign', 'verify']);
  return crypto.subtle.generateKey({ ...PSS_PARAMS, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']);
}

const sigAlg = (alg: Alg) => (alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 });

export interface TestChain {
  csca: { keys: CryptoKeyPair; der: Uint8Array };
  dsc: { keys: CryptoKeyPair; der: Uint8Array; kid: Uint8Array; alg: Alg };
}

/**
 * A CSCA and one DSC signed by it. `usages` lists the DSC's EKU OIDs (empty = no EKU extension,
 * i.e. valid for every certificate type).
 */
export async function createTestChain(opts: { alg?: Alg; country?: string; usages?: string[]; notBefore?: Date; notAfter?: Date } = {}): Promise<TestChain> {
  const alg = opts.alg ?? 'ES256';
  const country = opts.country ?? 'VN';
  const notBefore = opts.notBefore ?? new Date('2021-01-01T00:00:00Z');
  const notAfter = opts.notAfter ?? new Date('2031-01-01T00:00:00Z');
  const cscaKeys = await generateSigningKey('ES256');
  const csca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: `C=${country}, CN=Sen Test CSCA`, notBefore, notAfter, keys: cscaKeys,
    signingAlgorithm: sigAlg('ES256'),
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const dscKeys = await generateSigningKey(alg);
  const extensions: x509.Extension[] = [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)];
  if (opts.usages && opts.usages.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(opts.usages, false));
  const dsc = await x509.X509CertificateGenerator.create({
    serialNumber: '02', subject: `C=${country}, CN=Sen Test DSC`, issuer: csca.subject, notBefore, notAfter,
    publicKey: dscKeys.publicKey, signingKey: cscaKeys.privateKey, signingAlgorithm: sigAlg('ES256'), extensions,
  });
  const dscDer = new Uint8Array(dsc.rawData);
  return { csca: { keys: cscaKeys, der: new Uint8Array(csca.rawData) }, dsc: { keys: dscKeys, der: dscDer, kid: await kidOf(dscDer), alg } };
}
