// Country signing root (CSCA) and document signers (DSC): creation and chain validation. Browser-safe.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { AppError } from '@sen/domain';
import { EC_PARAMS, EKU_OID, certificateTypes, kidOf, parseCertificate, toHex } from './keys';
import type { DccType } from './schema';
import type { CryptoKeyPair } from './webcrypto';

export type Usage = DccType;
export const USAGE_OID: Record<Usage, string> = { v: EKU_OID.vaccination, t: EKU_OID.test, r: EKU_OID.recovery };
const ES256_SIG = { name: 'ECDSA', hash: 'SHA-256' } as const;

const randomSerial = () => {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[0] = b[0]! & 0x7f; // positive INTEGER
  return toHex(b);
};

export const generateEs256 = (): Promise<CryptoKeyPair> => crypto.subtle.generateKey(EC_PARAMS, true, ['sign', 'verify']);

export interface CreatedCert {
  keys: CryptoKeyPair;
  der: Uint8Array;
}

/** A self-signed CSCA: CA, path length 0, may sign certificates only. */
export async function createCsca(opts: { country: string; commonName?: string; notBefore?: Date; notAfter?: Date; keys?: CryptoKeyPair }): Promise<CreatedCert> {
  const keys = opts.keys ?? (await generateEs256());
  const notBefore = opts.notBefore ?? new Date();
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + 10 * 365.25 * 86400_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(), name: `C=${opts.country}, CN=${opts.commonName ?? 'Sen CSCA'}`, notBefore, notAfter, keys, signingAlgorithm: ES256_SIG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { keys, der: new Uint8Array(cert.rawData) };
}

/** A DSC signed by the CSCA, with the EU extended key usages for the given certificate types. */
export async function createDsc(opts: {
  csca: { privateKey: CryptoKeyPair['privateKey']; der: Uint8Array };
  usages: readonly Usage[];
  country: string;
  commonName?: string;
  notBefore?: Date;
  notAfter?: Date;
  keys?: CryptoKeyPair;
}): Promise<CreatedCert & { kid: Uint8Array }> {
  if (opts.usages.length === 0) throw new AppError('usage_required', 'A signer needs at least one usage (v, t, r)');
  const csca = parseCertificate(opts.csca.der);
  const keys = opts.keys ?? (await generateEs256());
  const notBefore = opts.notBefore ?? new Date();
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + 2 * 365.25 * 86400_000);
  if (notAfter > csca.notAfter) throw new AppError('dsc_outlives_csca', 'A signer cannot be valid longer than its root');
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(), subject: `C=${opts.country}, CN=${opts.commonName ?? 'Sen DSC'}`, issuer: csca.subject, notBefore, notAfter,
    publicKey: keys.publicKey, signingKey: opts.csca.privateKey, signingAlgorithm: ES256_SIG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(opts.usages.map((u) => USAGE_OID[u]), false),
      await x509.AuthorityKeyIdentifierExtension.create(csca.publicKey, false),
    ],
  });
  const der = new Uint8Array(cert.rawData);
  return { keys, der, kid: await kidOf(der) };
}

/**
 * Checks a DSC against its CSCA at `at`: the CSCA is a CA and in validity, the DSC names it as issuer, its
 * signature verifies with the CSCA key, and it is itself in validity. Throws AppError naming the failure.
 */
export async function validateDscChain(dscDer: Uint8Array, cscaDer: Uint8Array, at: Date): Promise<{ usages: Usage[] | null; notAfter: Date }> {
  const dsc = parseCertificate(dscDer);
  const csca = parseCertificate(cscaDer);
  const bc = csca.getExtension(x509.BasicConstraintsExtension);
  if (!bc?.ca) throw new AppError('csca_not_ca', 'The root certificate is not a CA');
  const inValidity = (c: x509.X509Certificate) => c.notBefore.getTime() <= at.getTime() && at.getTime() <= c.notAfter.getTime();
  if (!inValidity(csca)) throw new AppError('csca_expired', `The root certificate is not valid at ${at.toISOString()}`);
  if (dsc.issuer !== csca.subject) throw new AppError('dsc_issuer_mismatch', `Signer issued by "${dsc.issuer}", not by the root "${csca.subject}"`);
  const ok = await dsc.verify({ publicKey: csca.publicKey, signatureOnly: true }).catch(() => false);
  if (!ok) throw new AppError('dsc_signature_invalid', 'The signer certificate is not signed by the root');
  if (!inValidity(dsc)) throw new AppError('dsc_expired', `The signer certificate is not valid at ${at.toISOString()}`);
  const types = certificateTypes(dsc);
  return { usages: types ? ([...types] as Usage[]) : null, notAfter: dsc.notAfter };
}
