import { AppError } from '../app-error';

/**
 * UVCI (unique vaccination certificate identifier), EU eHealth Network guidelines on the DCC, annex 2:
 * `URN:UVCI:01:VN:<opaque>#<check>`. The check character is Luhn mod N over the whole text before '#',
 * with the alphabet the DCC schema FAQ gives (A-Z, 0-9, '/', ':'; N = 38), so any EU verifier can check it.
 */
export const UVCI_CHECK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:';
export const UVCI_PREFIX = 'URN:UVCI:01:VN:';
/** The DCC schema allows 80 characters for `ci`. */
export const UVCI_MAX_LENGTH = 80;

export function uvciCheckCharacter(text: string): string {
  const n = UVCI_CHECK_ALPHABET.length;
  let factor = 2;
  let sum = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const codePoint = UVCI_CHECK_ALPHABET.indexOf(text[i]!);
    if (codePoint < 0) throw new AppError('uvci_invalid', 'UVCI contains a character outside A-Z, 0-9, / and :', { position: i });
    const addend = factor * codePoint;
    sum += Math.floor(addend / n) + (addend % n);
    factor = factor === 2 ? 1 : 2;
  }
  return UVCI_CHECK_ALPHABET[(n - (sum % n)) % n]!;
}

/** A Sen UVCI for an opaque part (upper case letters, digits and '/'). */
export function makeUvci(opaque: string): string {
  if (!/^[A-Z0-9/]{1,60}$/.test(opaque)) throw new AppError('uvci_invalid', 'The opaque part of a UVCI must be 1-60 of A-Z, 0-9 and /', { opaque });
  const body = `${UVCI_PREFIX}${opaque}`;
  return `${body}#${uvciCheckCharacter(body)}`;
}

/** Whether the text ends in a correct check character ("...#X"); false for anything malformed. */
export function uvciCheckValid(uvci: string): boolean {
  const hash = uvci.lastIndexOf('#');
  if (hash < 0 || hash !== uvci.length - 2 || uvci.length > UVCI_MAX_LENGTH) return false;
  try {
    return uvciCheckCharacter(uvci.slice(0, hash)) === uvci[hash + 1];
  } catch {
    return false;
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The opaque part for a certificate id (a UUID): its 128 bits in Crockford base 32 (26 characters, no I/L/O/U to
 * misread when typed), grouped by the issuing year so an operator can tell old from new at a glance.
 * It says nothing about the person.
 */
export function uvciOpaqueForId(id: string, issuedAt: Date): string {
  const hex = id.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new AppError('uvci_invalid', 'Certificate id must be a UUID');
  let value = BigInt(`0x${hex}`);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(value & 31n)]! + out;
    value >>= 5n;
  }
  return `${issuedAt.getUTCFullYear()}/${out}`;
}
