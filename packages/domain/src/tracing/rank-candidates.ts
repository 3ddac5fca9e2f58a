import type { ContactRisk } from './contact-rules';

/**
 * Orders the F1 candidates of one index person so a tracer reviews the likeliest contacts first. Deterministic:
 * the same contacts give the same scores and the same order, whatever order they come in.
 *
 * For each contact (one visit of the candidate meeting one visit of the index person):
 *
 *   contactScore = venueWeight(venue type) * ( min(overlap, overlapCapMinutes) * pointsPerOverlapMinute
 *                                             + nearMiss + (risk = high ? highRiskBonus : 0) )
 *   nearMiss     = overlap = 0 ? nearMissPoints * max(0, 1 - gap / nearMissMinutes) : 0
 *
 * and for the candidate:
 *
 *   score = sum(contactScore) * min(maxRepeatFactor, 1 + repeatBonus * (distinct index visits met - 1))
 *
 * so meeting the index person at several visits (the same office every day, the same market twice) counts for
 * more than the sum of the visits alone. Scores are rounded to two decimals; ties go to more distinct visits,
 * then more minutes of overlap, then the person reference (alphabetical), so the order never depends on input
 * order.
 */
export interface RankingWeights {
  pointsPerOverlapMinute: number;
  /** Overlap beyond this counts no more (a whole day in the same office is not 8 times an hour). */
  overlapCapMinutes: number;
  /** A window contact with no overlap earns up to this, falling to zero at `nearMissMinutes` apart. */
  nearMissPoints: number;
  nearMissMinutes: number;
  highRiskBonus: number;
  /** By venue type (the types of the venues registry); closed, crowded places weigh more. */
  venueTypeWeights: Readonly<Record<string, number>>;
  /** For a venue type not in the table, or unknown. */
  defaultVenueWeight: number;
  /** Added to the multiplier for each distinct index visit met beyond the first. */
  repeatBonus: number;
  maxRepeatFactor: number;
}

export const DEFAULT_RANKING_WEIGHTS: RankingWeights = {
  pointsPerOverlapMinute: 1,
  overlapCapMinutes: 120,
  nearMissPoints: 10,
  nearMissMinutes: 60,
  highRiskBonus: 20,
  venueTypeWeights: {
    market: 1.5,
    event: 1.5,
    transport: 1.4,
    school: 1.3,
    business: 1.0,
    agency: 1.0,
    checkpoint: 0.6,
  },
  defaultVenueWeight: 1,
  repeatBonus: 0.5,
  maxRepeatFactor: 3,
};

/** One contact of a candidate with the index person, as classifyContact found it. */
export interface CandidateContact {
  personRef: string;
  venueId: string;
  venueType?: string | null;
  /** Identifies the index person's visit that was met (repeated contact = several distinct keys). */
  indexVisitKey: string;
  overlapMinutes: number;
  gapMinutes: number;
  risk: ContactRisk;
}

export interface RankedCandidate {
  personRef: string;
  score: number;
  /** Contacts counted (one per pair of visits). */
  contacts: number;
  /** Distinct visits of the index person met. */
  distinctVisits: number;
  totalOverlapMinutes: number;
  risk: ContactRisk;
  /** Venues where they met, sorted. */
  venueIds: string[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function contactScore(c: Omit<CandidateContact, 'personRef' | 'indexVisitKey' | 'venueId'>, weights: RankingWeights = DEFAULT_RANKING_WEIGHTS): number {
  const venueWeight = (c.venueType ? weights.venueTypeWeights[c.venueType] : undefined) ?? weights.defaultVenueWeight;
  const overlap = Math.min(Math.max(0, c.overlapMinutes), weights.overlapCapMinutes) * weights.pointsPerOverlapMinute;
  const nearMiss = c.overlapMinutes > 0 || weights.nearMissMinutes <= 0 ? 0 : weights.nearMissPoints * Math.max(0, 1 - c.gapMinutes / weights.nearMissMinutes);
  const bonus = c.risk === 'high' ? weights.highRiskBonus : 0;
  return venueWeight * (overlap + nearMiss + bonus);
}

export function rankCandidates(contacts: readonly CandidateContact[], weights: RankingWeights = DEFAULT_RANKING_WEIGHTS): RankedCandidate[] {
  const byPerson = new Map<string, CandidateContact[]>();
  for (const c of contacts) {
    const list = byPerson.get(c.personRef);
    if (list) list.push(c);
    else byPerson.set(c.personRef, [c]);
  }
  const ranked: RankedCandidate[] = [];
  for (const [personRef, list] of byPerson) {
    // Sum in a fixed order so floating-point rounding cannot depend on the input order.
    const scores = list.map((c) => contactScore(c, weights)).sort((a, b) => a - b);
    const base = scores.reduce((s, x) => s + x, 0);
    const distinctVisits = new Set(list.map((c) => c.indexVisitKey)).size;
    const factor = Math.min(weights.maxRepeatFactor, 1 + weights.repeatBonus * (distinctVisits - 1));
    const overlaps = list.map((c) => Math.max(0, c.overlapMinutes)).sort((a, b) => a - b);
    ranked.push({
      personRef,
      score: round2(base * factor),
      contacts: list.length,
      distinctVisits,
      totalOverlapMinutes: round2(overlaps.reduce((s, x) => s + x, 0)),
      risk: list.some((c) => c.risk === 'high') ? 'high' : 'low',
      venueIds: [...new Set(list.map((c) => c.venueId))].sort(),
    });
  }
  return ranked.sort(
    (a, b) =>
      b.score - a.score ||
      b.distinctVisits - a.distinctVisits ||
      b.totalOverlapMinutes - a.totalOverlapMinutes ||
      (a.personRef < b.personRef ? -1 : a.personRef > b.personRef ? 1 : 0),
  );
}
