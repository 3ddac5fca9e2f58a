import type { Database } from '@sen/db';
import type { ContactRule, RankedCandidate, RankingWeights } from '@sen/domain';
import { findOverlappingVisits, type TracedContact, type TracedVisit } from '../checkins/find-overlapping-visits';

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

/**
 * The index person's visits in [from, to] and the F1 candidates met there, ranked: one statement
 * (findOverlappingVisits), each visit with its venue's type and its contacts, a visit without check-out lasting its
 * venue's default length.
 */
export async function computeTrace(db: Database, q: ComputeTraceQuery): Promise<ComputedTrace> {
  const res = await findOverlappingVisits({ db }, { personId: q.personId, from: q.from, to: q.to, rule: q.rule, ...(q.weights ? { weights: q.weights } : {}) });
  return { visits: res.visits.map((v) => ({ ...v.visit, venueType: v.venueType, contacts: v.contacts })), candidates: res.candidates };
}
