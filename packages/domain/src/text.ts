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

/** Masks a full name for places that need to recognise a person without revealing them: "Nguyễn Văn An" -> "Nguyễn V. A." */
export function maskName(fullName: string): string {
  const parts = toNfc(fullName).split(' ').filter(Boolean);
  if (parts.length <= 1) return parts[0] ? `${[...parts[0]][0]}.` : '';
  const [family, ...rest] = parts;
  return [family, ...rest.map((p) => `${[...p][0]}.`)].join(' ');
}
