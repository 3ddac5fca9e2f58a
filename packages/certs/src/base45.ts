import { AppError } from '@sen/domain';

// RFC 9285. Written here because it is 40 lines and every decoding rule must be strict.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const n = bytes[i]! * 256 + bytes[i + 1]!;
    out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45) % 45]! + ALPHABET[Math.floor(n / 2025)]!;
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1]!;
    out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}

const fail = (message: string, details: Record<string, unknown> = {}) => new AppError('base45_invalid', message, details);

export function base45Decode(text: string): Uint8Array {
  if (text.length % 3 === 1) throw fail('Base45 length is invalid', { length: text.length });
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    if (i + 2 < text.length) {
      const n = digit(text, i) + digit(text, i + 1) * 45 + digit(text, i + 2) * 2025;
      if (n > 0xffff) throw fail('Base45 triple out of range', { position: i });
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = digit(text, i) + digit(text, i + 1) * 45;
      if (n > 0xff) throw fail('Base45 pair out of range', { position: i });
      out[o++] = n;
    }
  }
  return out;
}

function digit(text: string, i: number): number {
  const code = text.charCodeAt(i);
  const v = code < 128 ? VALUE[code]! : -1;
  if (v < 0) throw fail('Base45 contains a character outside the alphabet', { position: i });
  return v;
}
