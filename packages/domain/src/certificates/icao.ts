import { AppError } from '../app-error';
import { toNfc } from '../text';

/**
 * ICAO Doc 9303 machine-readable form of a name, as the DCC `fnt`/`gnt` fields want it: diacritics stripped
 * (Vietnamese tone and vowel marks), Đ/đ as D, upper case, spaces and hyphens as '<', only A-Z and '<',
 * at most 80 characters (DCC schema). Letters outside Latin that cannot be transliterated are refused, not dropped.
 */
export const ICAO_MAX_LENGTH = 80;

export function icaoTransliterate(name: string): string {
  const folded = toNfc(name)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    // Punctuation inside names (apostrophes, dots) disappears; separators become the filler.
    .replace(/['’.]/g, '')
    .replace(/[\s\-,]+/g, '<')
    .replace(/^<+|<+$/g, '');
  if (!/^[A-Z<]*$/.test(folded)) {
    throw new AppError('name_not_transliterable', 'The name has characters with no ICAO 9303 transliteration', { name: folded.replace(/[A-Z<]/g, '') });
  }
  return folded.slice(0, ICAO_MAX_LENGTH).replace(/<+$/, '');
}

export interface DccName {
  /** Family name as written (Vietnamese, NFC). */
  fn: string;
  fnt: string;
  /** Given names (middle and given name) as written. */
  gn?: string;
  gnt?: string;
}

/**
 * Vietnamese full names are written family name first ("Nguyễn Văn An"): the first word is the family name
 * (`fn`), the rest the given names (`gn`), as on a Vietnamese passport.
 */
export function dccNameFromFullName(fullName: string): DccName {
  const words = toNfc(fullName).split(' ').filter(Boolean);
  if (words.length === 0) throw new AppError('name_missing', 'The person has no name to put on a certificate');
  const [family, ...given] = words;
  const fn = family!.slice(0, 80);
  const name: DccName = { fn, fnt: icaoTransliterate(fn) };
  if (given.length > 0) {
    const gn = given.join(' ').slice(0, 80);
    name.gn = gn;
    name.gnt = icaoTransliterate(gn);
  }
  return name;
}
