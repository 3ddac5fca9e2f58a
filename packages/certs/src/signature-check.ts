// COSE signature checks by environment. In Node: node:crypto's synchronous verify with one KeyObject per trusted
// key (a Web Crypto verify costs a trip through the thread pool and a promise). In the browser: Web Crypto. Node's
// module is reached through process.getBuiltinModule, which browsers lack, so no bundler pulls node:crypto into the
// web app.
import type * as NodeCrypto from 'node:crypto';
import { buf, type TrustedKey } from './keys';

/** Verifies `signature` over `data` with a trusted key: ES256 for an EC key, PS256 for an RSA key. */
export type SignatureCheck = (key: TrustedKey, signature: Uint8Array, data: Uint8Array) => boolean | Promise<boolean>;

const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
const PS256 = { name: 'RSA-PSS', saltLength: 32 } as const;

export const webCryptoCheck: SignatureCheck = (key, signature, data) =>
  crypto.subtle.verify(key.kty === 'EC' ? ES256 : PS256, key.key, buf(signature), buf(data));

/** Node's synchronous check; keys without a usable SPKI fall back to Web Crypto. */
export function nodeCryptoCheck(nodeCrypto: typeof NodeCrypto): SignatureCheck {
  const options = new WeakMap<TrustedKey, NodeCrypto.VerifyKeyObjectInput | null>();
  const optionsOf = (k: TrustedKey) => {
    let o = options.get(k);
    if (o === undefined) {
      o = null;
      if (k.spki) {
        try {
          const key = nodeCrypto.createPublicKey({ key: Buffer.from(k.spki), format: 'der', type: 'spki' });
          o = k.kty === 'EC' ? { key, dsaEncoding: 'ieee-p1363' } : { key, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
        } catch {
          // Web Crypto imported it; let Web Crypto judge it.
        }
      }
      options.set(k, o);
    }
    return o;
  };
  return (key, signature, data) => {
    const o = optionsOf(key);
    if (!o) return webCryptoCheck(key, signature, data);
    try {
      return nodeCrypto.verify('sha256', data, o, signature);
    } catch {
      // OpenSSL throws on some malformed signatures (an RSA signature longer than the modulus); Web Crypto says false.
      return false;
    }
  };
}

const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto');

/** The check for this environment. */
export const checkSignature: SignatureCheck = nodeCrypto ? nodeCryptoCheck(nodeCrypto) : webCryptoCheck;
