// NODE-ONLY: a Signer whose ES256 private key is a PKCS#8 PEM file. Exported from '@sen/certs/node'.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '@sen/domain';
import { certificatesFromText, kidOf, toHex } from '../keys';
import { cryptoKeySigner, importPkcs8Es256, pemDecode, type Signer } from '../signer';
import { defaultKeysDir, readState, resolveKid } from './keystore';

/** A Signer from a PKCS#8 PEM private key file and a PEM (or base64 DER) certificate file. */
export async function fileSigner(keyFile: string, certificateFile: string): Promise<Signer> {
  const mode = statSync(keyFile).mode & 0o077;
  if (mode !== 0 && process.platform !== 'win32') throw new AppError('signer_key_exposed', `${keyFile} is readable by others: chmod 600 it`);
  const privateKey = await importPkcs8Es256(pemDecode('PRIVATE KEY', readFileSync(keyFile, 'utf8')));
  const [certificateDer] = certificatesFromText(readFileSync(certificateFile, 'utf8'));
  if (!certificateDer) throw new AppError('certificate_invalid', `No certificate in ${certificateFile}`);
  return cryptoKeySigner(privateKey, certificateDer);
}

/** The current signer of a keys directory (or the one with `kid`, hex or base64). */
export async function loadFileSigner(dir: string = defaultKeysDir(), kid?: string): Promise<Signer> {
  const hex = kid ? resolveKid(dir, kid).kidHex : readState(dir).currentSigner;
  if (!hex) throw new AppError('signer_missing', `No current signer in ${dir}: run \`sen keys create-signer\``);
  const info = resolveKid(dir, hex);
  if (info.retiredAt) throw new AppError('signer_retired', `Signer ${info.kid} is retired`);
  const d = path.join(dir, 'signers', hex);
  const signer = await fileSigner(path.join(d, 'key.pem'), path.join(d, 'cert.pem'));
  if (toHex(await kidOf(signer.certificateDer)) !== hex) throw new AppError('signer_corrupt', `${d}: certificate does not match its kid`);
  return signer;
}
