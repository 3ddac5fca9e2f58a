import { parsePartialDate } from './partial-date';
import { searchForm } from './text';

/**
 * Scoring of possible duplicate people. The database finds candidates cheaply (same national ID, or a trigram match
 * on the search form of the name near the same birth year); this decides how alike two records are and why.
 */
export interface MatchablePerson {
  fullName: string;
  birthDate: string | null;
  sex: string | null;
  communeCode: string | null;
  nationalIds?: readonly { kind: string; value: string }[];
}

export interface MatchScore {
  score: number; // 0..1
  reasons: string[];
}

/** Reported in the review queue from this score up. */
export const DUPLICATE_THRESHOLD = 0.75;

function trigrams(text: string): Set<string> {
  const grams = new Set<string>();
  for (const word of text.split(' ').filter(Boolean)) {
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  }
  return grams;
}

/** The same measure as pg_trgm's similarity(): shared trigrams over all distinct trigrams. */
export function trigramSimilarity(a: string, b: string): number {
  const ta = trigrams(a);
  const tb = trigrams(b);
  if (ta.size === 0 && tb.size === 0) return 1;
  let shared = 0;
  for (const g of ta) if (tb.has(g)) shared++;
  return shared / (ta.size + tb.size - shared);
}

function birthScore(a: string | null, b: string | null): { score: number; reason: string | null } {
  if (!a || !b) return { score: 0, reason: null };
  const da = parsePartialDate(a, new Date(8.64e15));
  const db = parsePartialDate(b, new Date(8.64e15));
  if (!da || !db) return { score: 0, reason: null };
  if (a === b) {
    // Only a full date is strong evidence; an equal year (or year and month) is shared by many people.
    if (da.day !== null) return { score: 0.25, reason: 'same birth date' };
    return { score: da.month !== null ? 0.18 : 0.12, reason: 'same birth year' };
  }
  if (da.year === db.year && da.day !== null && db.day !== null && da.day === db.month && da.month === db.day) {
    return { score: 0.2, reason: 'birth day and month transposed' };
  }
  // Same month, another day: likely a typo. One date less precise than the other: consistent, but weak evidence,
  // so it alone (with the name and sex) does not reach the threshold across communes.
  if (da.year === db.year && da.month !== null && da.month === db.month) return { score: 0.15, reason: 'same birth year' };
  if (da.year === db.year && (da.month === null || db.month === null)) return { score: 0.12, reason: 'same birth year' };
  if (da.year === db.year) return { score: 0.1, reason: 'same birth year' };
  if (Math.abs(da.year - db.year) === 1) return { score: 0.03, reason: 'birth years one apart' };
  return { score: -0.2, reason: null };
}

/**
 * Numbers a person keeps for life: two records with different numbers of one of these kinds are two people.
 * (Passports and CMND are reissued under new numbers, so a difference there proves nothing.)
 */
const LIFELONG_ID_KINDS: ReadonlySet<string> = new Set(['cccd', 'bhxh']);

/**
 * The lowest trigram similarity of two different search names that can still reach DUPLICATE_THRESHOLD: the name
 * scores 0.45 x similarity and everything else together at most 0.5 (same full date 0.25, sex 0.1, commune 0.15).
 * Candidate queries may safely drop pairs below it.
 */
export const MIN_CANDIDATE_SIMILARITY = 0.55;

export function scoreDuplicate(a: MatchablePerson, b: MatchablePerson): MatchScore {
  const reasons: string[] = [];
  const idsB = new Set((b.nationalIds ?? []).map((id) => `${id.kind}:${id.value}`));
  if ((a.nationalIds ?? []).some((id) => idsB.has(`${id.kind}:${id.value}`))) {
    return { score: 1, reasons: ['same national ID'] };
  }
  let score = 0;
  const kindsB = new Set((b.nationalIds ?? []).filter((id) => LIFELONG_ID_KINDS.has(id.kind)).map((id) => id.kind));
  if ((a.nationalIds ?? []).some((id) => kindsB.has(id.kind))) {
    score -= 0.6;
    reasons.push('different national ID');
  }
  const nameA = searchForm(a.fullName);
  const nameB = searchForm(b.fullName);
  if (nameA === nameB) {
    score += 0.5;
    reasons.push('same name without diacritics');
  } else {
    const sim = trigramSimilarity(nameA, nameB);
    score += 0.45 * sim;
    if (sim >= 0.6) reasons.push('similar name');
  }
  const birth = birthScore(a.birthDate, b.birthDate);
  score += birth.score;
  if (birth.reason) reasons.push(birth.reason);
  if (a.sex && b.sex && a.sex !== 'unknown' && b.sex !== 'unknown') {
    if (a.sex === b.sex) {
      score += 0.1;
    } else {
      score -= 0.3;
      reasons.push('different sex');
    }
  }
  if (a.communeCode && a.communeCode === b.communeCode) {
    score += 0.15;
    reasons.push('same commune');
  }
  return { score: Math.max(0, Math.min(1, Math.round(score * 1000) / 1000)), reasons };
}
