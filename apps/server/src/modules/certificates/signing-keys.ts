import { listSigners, loadFileSigner, readState } from '@sen/certs/node';
import { prepareTrust, toHex, type Signer, type TrustStore } from '@sen/certs';
import { AppError } from '@sen/domain';

/**
 * The document signer and the trust store come from the keys directory (SEN_KEYS_DIR), never the database.
 * Both are cached per directory and reloaded when the directory's current signer or signer set changes
 * (`sen keys rotate` on a running server takes effect on the next issuance).
 */

const signers = new Map<string, { kidHex: string; signer: Promise<Signer> }>();
const trusts = new Map<string, { key: string; store: Promise<TrustStore> }>();

export async function currentSigner(dir: string): Promise<Signer & { kidHex: string }> {
  const kidHex = readState(dir).currentSigner;
  if (!kidHex) throw new AppError('signer_missing', 'No document signer is configured: run `sen keys init-root` and `sen keys create-signer`', {}, 503);
  let cached = signers.get(dir);
  if (!cached || cached.kidHex !== kidHex) {
    cached = { kidHex, signer: loadFileSigner(dir, kidHex) };
    signers.set(dir, cached);
    cached.signer.catch(() => signers.delete(dir));
  }
  return { ...(await cached.signer), kidHex };
}

/** Every signer that is not retired: certificates signed by a rotated-away signer stay verifiable. */
export function activeSigners(dir: string) {
  return listSigners(dir).filter((s) => !s.retiredAt);
}

export async function trustStore(dir: string): Promise<TrustStore> {
  const active = activeSigners(dir);
  const key = active.map((s) => s.kidHex).join(',');
  let cached = trusts.get(dir);
  if (!cached || cached.key !== key) {
    cached = { key, store: prepareTrust(active.map((s) => ({ certificate: s.certificateDer }))) };
    trusts.set(dir, cached);
  }
  return cached.store;
}

export const kidHexOf = (signer: Signer) => toHex(signer.kid);
