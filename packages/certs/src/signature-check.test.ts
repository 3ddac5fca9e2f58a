import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestChain, EC_PARAMS, prepareTrust, type TestChain, type TrustedKey } from './keys';
import { checkSignature, nodeCryptoCheck, webCryptoCheck } from './signature-check';

const data = new TextEncoder().encode('["Signature1", protected, h\'\', payload] stands in here');
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

async function signed(chain: TestChain, bytes: Uint8Array): Promise<Uint8Array> {
  const params = chain.dsc.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSA-PSS', saltLength: 32 };
  return new Uint8Array(await crypto.subtle.sign(params, chain.dsc.keys.privateKey, bytes));
}
const keyOf = async (chain: TestChain): Promise<TrustedKey> => [...(await prepareTrust([{ certificate: chain.dsc.der }])).values()][0]![0]!;
const flip = (b: Uint8Array, at: number) => {
  const c = b.slice();
  c[at]! ^= 1;
  return c;
};
/** s replaced by n - s: still a valid ECDSA signature (malleability). */
function highS(sig: Uint8Array): Uint8Array {
  const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString('hex')}`);
  const out = sig.slice();
  out.set(Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

describe('signature checks: node:crypto (synchronous) and Web Crypto agree', async () => {
  const es = await createTestChain();
  const ps = await createTestChain({ alg: 'PS256' });
  const nodeCheck = nodeCryptoCheck(nodeCrypto);

  for (const [name, chain] of [['ES256', es], ['PS256', ps]] as const) {
    it(`${name}: valid, tampered data, tampered signature, wrong length`, async () => {
      const key = await keyOf(chain);
      const sig = await signed(chain, data);
      const cases: [string, Uint8Array, Uint8Array, boolean][] = [
        ['valid', sig, data, true],
        ['tampered data', sig, flip(data, 3), false],
        ['tampered signature', flip(sig, 10), data, false],
        ['signature one byte short', sig.subarray(0, sig.length - 1), data, false],
        ['signature one byte long', new Uint8Array([...sig, 0]), data, false],
      ];
      for (const [what, s, d, expected] of cases) {
        const viaNode = nodeCheck(key, s, d);
        expect(viaNode, `${name} ${what}: Node answers synchronously`).toBeTypeOf('boolean');
        expect(viaNode, `${name} ${what} (node:crypto)`).toBe(expected);
        expect(await webCryptoCheck(key, s, d), `${name} ${what} (Web Crypto)`).toBe(expected);
      }
    });
  }

  it('ES256: a high-s signature verifies in both, r = 0 in neither', async () => {
    const key = await keyOf(es);
    const sig = await signed(es, data);
    expect(nodeCheck(key, highS(sig), data)).toBe(true);
    expect(await webCryptoCheck(key, highS(sig), data)).toBe(true);
    const zeroR = sig.slice();
    zeroR.fill(0, 0, 32);
    expect(nodeCheck(key, zeroR, data)).toBe(false);
    expect(await webCryptoCheck(key, zeroR, data)).toBe(false);
  });

  it('a key without its SPKI (imported as not extractable) is checked through Web Crypto', async () => {
    const publicKey = await crypto.subtle.importKey('spki', (await keyOf(es)).spki!, EC_PARAMS, false, ['verify']);
    const [key] = [...(await prepareTrust([{ kid: es.dsc.kid, publicKey }])).values()][0]!;
    expect(key!.spki).toBeUndefined();
    const sig = await signed(es, data);
    const answer = nodeCheck(key!, sig, data);
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toBe(true);
    expect(await nodeCheck(key!, sig, flip(data, 0))).toBe(false);
  });

  it('in Node the default check is the synchronous one', async () => {
    const key = await keyOf(es);
    expect(checkSignature(key, await signed(es, data), data)).toBe(true);
  });
});
