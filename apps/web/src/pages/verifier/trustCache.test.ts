import { describe, expect, it } from 'vitest';
import { packList, unpackList } from './trustCache';

const toB64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/**
 * The offline cache keeps revocations as bytes, not base64 text. The root signs the canonical JSON of the list, so
 * getting back the same JSON value (keys in any order) is what keeps the signature valid.
 */
describe('verifier cache layout', () => {
  const batch = (n: number, seed: number) => ({
    batchId: `kid-UCI-${seed}`, country: 'VN', kid: 'AAECAwQFBgc=', hashType: 'UCI', expires: '2022-11-01T00:00:00.000Z',
    hashes: toB64(Uint8Array.from({ length: n * 16 }, (_, i) => (i * 31 + seed) & 0xff)),
  });
  const list = { version: 7, issuedAt: '2021-11-01T00:00:00.000Z', country: 'VN', signers: [], ruleSets: [{ version: '1', validFrom: '2021-12-01', rules: [] }], revocations: { batches: [batch(1000, 1), batch(1000, 2), batch(37, 3), batch(0, 4)] }, signature: { alg: 'ES256', value: 'c2ln' } };
  const text = JSON.stringify(list, null, 1);

  it('keeps each batch as 16 bytes a hash and the rest as text a quarter the size', () => {
    const stored = packList(text);
    expect(stored.hashes.map((h) => h.length)).toEqual([16_000, 16_000, 592, 0]);
    expect(stored.hashes.every((h) => h instanceof Uint8Array)).toBe(true);
    expect(stored.skeleton).not.toContain(list.revocations.batches[0]!.hashes);
    expect(stored.skeleton.length * 4).toBeLessThan(text.length);
  });

  it('gives back the same JSON value, so the signature over its canonical form still holds; a changed byte shows', () => {
    const stored = packList(text);
    expect(JSON.parse(unpackList(stored))).toEqual(list);
    stored.hashes[2]![5]! ^= 1;
    expect(JSON.parse(unpackList(stored))).not.toEqual(list);
  });
});
