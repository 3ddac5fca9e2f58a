/**
 * Vietnamese text normalisation for search and matching.
 * NFD splits tone and vowel marks off their base letters; "đ"/"Đ" is a separate letter, not a mark, so it is
 * mapped explicitly (the usual "strip combining marks" trick misses it).
 */
export function toNfc(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

export function foldDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

/** The search form of a name: NFC, no diacritics, lower case, single spaces. */
export function searchForm(text: string): string {
  return foldDiacritics(toNfc(text)).toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** True when the text carries Vietnamese diacritics (so a search should also try the exact form). */
export function hasDiacritics(text: string): boolean {
  return foldDiacritics(text) !== text;
}

/** Control, format (zero-width, bidi overrides), surrogate and private-use characters: never part of a name or address. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}]/u;

export type CleanTextResult = { ok: true; value: string } | { ok: false; reason: string };

/**
 * Checks and normalises free text typed by a person (a name, an address): refuses control and invisible
 * characters (checked before whitespace is collapsed, so a tab or newline is refused, not silently joined),
 * then NFC with single spaces, and enforces the length after normalisation.
 */
export function cleanText(raw: string, maxLength: number): CleanTextResult {
  if (INVISIBLE.test(raw)) return { ok: false, reason: 'contains control or invisible characters' };
  const value = toNfc(raw);
  if (value.length === 0) return { ok: false, reason: 'is empty' };
  // Code points, as PostgreSQL's length() counts them.
  if ([...value].length > maxLength) return { ok: false, reason: `is longer than ${maxLength} characters` };
  return { ok: true, value };
}

/** A person's full name: clean text of 1 to 200 characters with at least one letter. */
export function cleanPersonName(raw: string): CleanTextResult {
  const res = cleanText(raw, 200);
  if (res.ok && !/\p{L}/u.test(res.value)) return { ok: false, reason: 'must contain a letter' };
  return res;
}

/** Masks a full name for places that need to recognise a person without revealing them: "Nguyễn Văn An" -> "Nguyễn V. A." */
export function maskName(fullName: string): string {
  const parts = toNfc(fullName).split(' ').filter(Boolean);
  if (parts.length <= 1) return parts[0] ? `${[...parts[0]][0]}.` : '';
  const [family, ...rest] = parts;
  return [family, ...rest.map((p) => `${[...p][0]}.`)].join(' ');
}
