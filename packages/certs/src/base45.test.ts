import { describe, expect, it } from 'vitest';
import { base45Decode, base45Encode } from './base45';

const text = (s: string) => new TextEncoder().encode(s);

describe('base45 (RFC 9285)', () => {
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
  ])('%s <-> %s', (plain, encoded) => {
    expect(base45Encode(text(plain))).toBe(encoded);
    expect(base45Decode(encoded)).toEqual(text(plain));
  });

  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base45Decode(base45Encode(all))).toEqual(all);
  });

  it('rejects a length of 3n+1 (truncated)', () => {
    expect(() => base45Decode('BB8B')).toThrow(/length/);
  });

  it('rejects characters outside the alphabet, lower case included', () => {
    expect(() => base45Decode('bb8')).toThrow(/alphabet/);
    expect(() => base45Decode('BB\u00e9')).toThrow(/alphabet/);
  });

  it('rejects groups that overflow two bytes or one byte', () => {
    expect(() => base45Decode(':::')).toThrow(/out of range/); // 91124 > 65535
    expect(() => base45Decode('::')).toThrow(/out of range/); // 2024 > 255
  });
});
