import { sql, type Database } from '@sen/db';
import { DEFAULT_RANKING_WEIGHTS, rankCandidates, type CandidateContact, type ContactRule, type RankedCandidate, type RankingWeights } from '@sen/domain';
import { DEFAULT_VISIT_MINUTES, findOverlappingVisits, type TracedContact, type TracedVisit } from '../checkins/find-overlapping-visits';

export interface ComputeTraceQuery {
  personId: string;
  from: Date;
  to: Date;
  rule: ContactRule;
  weights?: RankingWeights;
}

export interface ComputedVisit extends TracedVisit {
  venueType: string | null;
  contacts: TracedContact[];
}

export interface ComputedTrace {
  visits: ComputedVisit[];
  candidates: RankedCandidate[];
}

interface VenueRow {
  venue_id: string;
  type: string | null;
  default_visit_minutes: number | null;
}

/**
 * The index person's visits in [from, to] and the F1 candidates met there, ranked. The overlap search itself is
 * findOverlappingVisits (partition pruning, the covering venue index). A visit without check-out lasts its
 * venue's default length; since every contact of one visit is at the same venue, the search runs once per
 * distinct default among the index person's venues (almost always one) and keeps each run's own venues.
 */
export async function computeTrace(db: Database, q: ComputeTraceQuery): Promise<ComputedTrace> {
  const venues = await sql<VenueRow>`
    SELECT DISTINCT c.venue_id, v.type, v.default_visit_minutes
      FROM checkins c LEFT JOIN venues v ON v.id = c.venue_id
     WHERE c.person_id = ${q.personId}::uuid
       AND c.checked_in_at >= ${q.from.toISOString()}::timestamptz AND c.checked_in_at <= ${q.to.toISOString()}::timestamptz`.execute(db);
  const venueTypes = new Map<string, string>();
  const byDefault = new Map<number, Set<string>>();
  for (const v of venues.rows) {
    if (v.type) venueTypes.set(v.venue_id, v.type);
    const minutes = v.default_visit_minutes ?? DEFAULT_VISIT_MINUTES;
    const set = byDefault.get(minutes) ?? new Set<string>();
    set.add(v.venue_id);
    byDefault.set(minutes, set);
  }

  const visits: ComputedVisit[] = [];
  for (const [defaultVisitMinutes, venueIds] of [...byDefault].sort((a, b) => a[0] - b[0])) {
    const res = await findOverlappingVisits({ db }, { personId: q.personId, from: q.from, to: q.to, rule: q.rule, defaultVisitMinutes, venueTypes });
    for (const v of res.visits) {
      if (venueIds.has(v.visit.venueId)) visits.push({ ...v.visit, venueType: venueTypes.get(v.visit.venueId) ?? null, contacts: v.contacts });
    }
  }
  visits.sort((a, b) => a.start.getTime() - b.start.getTime() || (a.checkinId < b.checkinId ? -1 : 1));

  const found: CandidateContact[] = [];
  for (const v of visits) {
    for (const c of v.contacts) {
      found.push({ personRef: c.personId, venueId: v.venueId, venueType: v.venueType, indexVisitKey: v.checkinId, overlapMinutes: c.overlapMinutes, gapMinutes: c.gapMinutes, risk: c.risk });
    }
  }
  return { visits, candidates: rankCandidates(found, q.weights ?? DEFAULT_RANKING_WEIGHTS) };
}
