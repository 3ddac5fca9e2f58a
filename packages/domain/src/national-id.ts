/**
 * Vietnamese personal identifiers.
 * - CCCD (citizen identity card, 12 digits, Circular 07/2016/TT-BCA): digits 1-3 the province of birth registration,
 *   digit 4 century and sex, digits 5-6 the last two digits of the birth year, digits 7-12 a serial.
 *   There is no check digit, so the check is that the province exists and, when the birth year and sex are
 *   known, that digits 4-6 agree with them.
 * - CMND (old identity card, 9 digits): format only.
 * - Passport (Vietnamese: one letter and 7 digits).
 * - Social insurance number (mã số BHXH, 10 digits).
 */
export const NATIONAL_ID_KINDS = ['cccd', 'cmnd', 'passport', 'bhxh'] as const;
export type NationalIdKind = (typeof NATIONAL_ID_KINDS)[number];

/** Province codes in use on CCCD numbers (the 63 provinces of 2008-2025, padded to three digits). */
export const CCCD_PROVINCE_CODES: ReadonlySet<string> = new Set(
  '01 02 04 06 08 10 11 12 14 15 17 19 20 22 24 25 26 27 30 31 33 34 35 36 37 38 40 42 44 45 46 48 49 51 52 54 56 58 60 62 64 66 67 68 70 72 74 75 77 79 80 82 83 84 86 87 89 91 92 93 94 95 96'
    .split(' ')
    .map((c) => `0${c}`),
);

export type Sex = 'male' | 'female' | 'other' | 'unknown';

export interface IdCheckContext {
  birthYear?: number | null;
  sex?: Sex | null;
}

export type IdCheckResult = { ok: true; value: string } | { ok: false; reason: string };

/** Century-and-sex digit of a CCCD for a birth year and sex (even = male, odd = female). */
export function cccdCenturyDigit(birthYear: number, sex: 'male' | 'female'): number {
  const century = Math.floor(birthYear / 100) - 19; // 1900s -> 0, 2000s -> 1 ...
  return ((century + 5) % 5) * 2 + (sex === 'female' ? 1 : 0);
}

export function normaliseNationalId(kind: NationalIdKind, raw: string): string {
  const compact = raw.replace(/[\s.-]/g, '');
  return kind === 'passport' ? compact.toUpperCase() : compact;
}

export function checkNationalId(kind: NationalIdKind, raw: string, ctx: IdCheckContext = {}): IdCheckResult {
  const value = normaliseNationalId(kind, raw);
  switch (kind) {
    case 'cccd': {
      if (!/^\d{12}$/.test(value)) return { ok: false, reason: 'CCCD must be 12 digits' };
      if (!CCCD_PROVINCE_CODES.has(value.slice(0, 3))) {
        return { ok: false, reason: `CCCD province code ${value.slice(0, 3)} does not exist` };
      }
      if (ctx.birthYear) {
        if (value.slice(4, 6) !== String(ctx.birthYear % 100).padStart(2, '0')) {
          return { ok: false, reason: 'CCCD birth-year digits do not match the date of birth' };
        }
        const digit = Number(value[3]);
        const centuryOfDigit = Math.floor(digit / 2);
        const expectedCentury = (Math.floor(ctx.birthYear / 100) - 19 + 5) % 5;
        if (centuryOfDigit !== expectedCentury) return { ok: false, reason: 'CCCD century digit does not match the date of birth' };
        if (ctx.sex === 'male' || ctx.sex === 'female') {
          if (digit !== cccdCenturyDigit(ctx.birthYear, ctx.sex)) return { ok: false, reason: 'CCCD sex digit does not match the sex' };
        }
      }
      return { ok: true, value };
    }
    case 'cmnd':
      return /^\d{9}$/.test(value) ? { ok: true, value } : { ok: false, reason: 'CMND must be 9 digits' };
    case 'passport':
      return /^[A-Z]\d{7}$/.test(value) ? { ok: true, value } : { ok: false, reason: 'passport number must be one letter and 7 digits' };
    case 'bhxh':
      return /^\d{10}$/.test(value) ? { ok: true, value } : { ok: false, reason: 'social insurance number must be 10 digits' };
  }
}

/** Vietnamese mobile numbers: 10 digits starting 03, 05, 07, 08 or 09; +84 and 84 prefixes are folded to 0. */
export function normalisePhone(raw: string): string | null {
  let digits = raw.replace(/[\s.()-]/g, '');
  // "+84 091..." and "0084 91..." are common ways of writing the country code too.
  if (digits.startsWith('+84')) digits = `0${digits.slice(3).replace(/^0/, '')}`;
  else if (digits.startsWith('0084')) digits = `0${digits.slice(4).replace(/^0/, '')}`;
  else if (digits.startsWith('84') && digits.length === 11) digits = `0${digits.slice(2)}`;
  return /^0[35789]\d{8}$/.test(digits) ? digits : null;
}

/**
 * The kinds an identifier typed without its kind could be (a search box takes any number): 12 digits a CCCD,
 * 9 a CMND, 10 a social insurance number, a letter and 7 digits a passport.
 */
export function idKindsForValue(raw: string): { kind: NationalIdKind; value: string }[] {
  return NATIONAL_ID_KINDS.map((kind) => ({ kind, value: normaliseNationalId(kind, raw) })).filter(
    ({ kind, value }) => (kind === 'cccd' && /^\d{12}$/.test(value)) || (kind === 'cmnd' && /^\d{9}$/.test(value)) || (kind === 'bhxh' && /^\d{10}$/.test(value)) || (kind === 'passport' && /^[A-Z]\d{7}$/.test(value)),
  );
}
