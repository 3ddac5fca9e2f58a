import { describe, expect, it } from 'vitest';
import { cborDecode, cborEncode, Tag, toPlain } from './cbor';

const bytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
const reason = (hex: string) => {
  try {
    cborDecode(bytes(hex));
    return 'accepted';
  } catch (e) {
    return (e as Error).message;
  }
};

describe('strict CBOR maps', () => {
  it('rejects a repeated text key, a repeated integer key, and one integer key written in two encodings', () => {
    expect(reason('a2616101616102')).toMatch(/Duplicate map key: "a"/); // {"a": 1, "a": 2}
    expect(reason('a201010102')).toMatch(/Duplicate map key: 1/); // {1: 1, 1: 2}
    expect(reason('a2010118010102')).toMatch(/Duplicate map key: 1/); // {1: 1, 1 (as 0x1801): 2}
    expect(reason('a220012002')).toMatch(/Duplicate/); // {-1: 1, -1: 2}
  });

  it('keeps 1 and "1" apart, and decodes text-keyed maps to plain objects, others to Maps', () => {
    expect(cborDecode(bytes('a20101613102'))).toEqual(new Map<unknown, unknown>([[1, 1], ['1', 2]]));
    const plain = cborDecode(cborEncode({ ver: '1.3.0', nam: { fnt: 'DUC' } }));
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(plain).toEqual({ ver: '1.3.0', nam: { fnt: 'DUC' } });
  });

  it('rejects keys that are neither text nor integers', () => {
    expect(reason('a1410001')).toMatch(/text or an integer/); // {h'00': 1}
    expect(reason('a1f93e0001')).toMatch(/text or an integer/); // {1.5: 1}
    expect(reason('a1f501')).toMatch(/text or an integer/); // {true: 1}
    expect(reason('a18001')).toMatch(/text or an integer/); // {[]: 1}
    expect(reason('a11bffffffffffffffff01')).toMatch(/text or an integer/); // a key past 2^53 decodes as a bigint
  });

  it('checks large maps too (past the pair-by-pair size)', () => {
    const many = new Map<number, number>(Array.from({ length: 40 }, (_, i) => [i, i]));
    expect(cborDecode(cborEncode(many))).toEqual(many);
    const encoded = cborEncode(many);
    // Turn the last key (39 = 0x18 0x27) into 0 (0x18 0x00, a long form of 0): now a duplicate.
    const dup = encoded.slice();
    const at = dup.lastIndexOf(0x27, dup.length - 3);
    dup[at] = 0x00;
    expect(() => cborDecode(dup)).toThrow(/Duplicate map key/);
  });

  it('still caps depth and size', () => {
    expect(reason('81'.repeat(40) + '01')).toMatch(/depth/i);
    expect(() => cborDecode(new Uint8Array(70 * 1024))).toThrow(/too large/);
  });
});

describe('toPlain', () => {
  it('returns a value with nothing to convert as it is', () => {
    const dcc = { ver: '1.3.0', v: [{ dn: 1, mp: 'EU/1/21/1529' }], bytes: new Uint8Array([1]) };
    expect(toPlain(dcc)).toBe(dcc);
  });

  it('converts Maps and date tags at any depth, as before', () => {
    const decoded = { ver: '1.3.0', t: [new Map<unknown, unknown>([['sc', new Tag(0, '2021-10-01T08:00:00Z')], [5, 'five']])], dob: new Tag(1004, '1985-07-14') };
    const plain = toPlain(decoded);
    expect(plain).toEqual({ ver: '1.3.0', t: [{ sc: '2021-10-01T08:00:00Z', 5: 'five' }], dob: '1985-07-14' });
    expect(plain).not.toBe(decoded);
    const otherTag = new Tag(99, 'x');
    expect(toPlain({ a: otherTag })).toEqual({ a: otherTag });
  });
});
