import { sql, type Database } from '@sen/db';
import {
  badRequest, classifyContact, DEFAULT_RANKING_WEIGHTS, rankCandidates, ruleReachMinutes, ruleSharedMinutes,
  type CandidateContact, type ContactRisk, type ContactRule, type RankedCandidate, type RankingWeights,
} from '@sen/domain';
import type { Deps } from '../../context';
import { MAX_VISIT_MINUTES } from './record-checkins';

/** The visit length of a check-in without check-out at a venue missing from the registry (venues set their own). */
export const DEFAULT_VISIT_MINUTES = 60;
/** The longest trace window accepted (the retention window is 28 days by default). */
export const MAX_TRACE_DAYS = 62;

export interface TraceQuery {
  personId: string;
  /** The index person's visits that checked in within [from, to] are traced. */
  from: Date;
  to: Date;
  rule: ContactRule;
  /** Length given to a visit with no check-out at a venue not in the registry; a registered venue uses its own default. */
  defaultVisitMinutes?: number;
  weights?: RankingWeights;
}

export interface TracedVisit {
  checkinId: string;
  venueId: string;
  start: Date;
  /** The check-out, or the check-in plus the venue's default visit length when `endEstimated`. */
  end: Date;
  endEstimated: boolean;
}

export interface TracedContact extends TracedVisit {
  personId: string;
  overlapMinutes: number;
  gapMinutes: number;
  risk: ContactRisk;
}

export interface TraceResult {
  /** The index person's visits in check-in order, each with its venue's type (null for a venue not in the registry). */
  visits: { visit: TracedVisit; venueType: string | null; contacts: TracedContact[] }[];
  /** F1 candidates, best first (see rankCandidates). */
  candidates: RankedCandidate[];
}

/** One visit of the index person as sen_trace_contacts returns it, its contacts under the rule as JSON. */
interface Row {
  checkin_id: string;
  venue_id: string;
  venue_type: string | null;
  checked_in_at: Date;
  ends_at: Date;
  end_estimated: boolean;
  contacts: { id: string; personId: string; start: number; end: number; estimated: boolean }[];
}

const minutes = (n: number) => sql`(${n}::double precision * interval '1 minute')`;

/**
 * The index person's visits in [from, to] and, for each, the other people at the same venue whose visits are
 * contacts under `rule`: one statement, the function sen_trace_contacts (migration 0020), whose plan each connection
 * keeps. For each visit it reads the venue index back over the visits that can still be going on (the venue's
 * default length or 3 hours, and a partial index of longer visits back to MAX_VISIT_MINUTES, enforced at ingest),
 * pruning every daily partition outside the window. The SQL filters by the rule (ruleSharedMinutes);
 * classifyContact gives each contact its minutes and risk, and rankCandidates orders the candidates.
 */
export async function findOverlappingVisits(deps: { db: Database } | Pick<Deps, 'db'>, q: TraceQuery): Promise<TraceResult> {
  const defaultVisitMinutes = q.defaultVisitMinutes ?? DEFAULT_VISIT_MINUTES;
  if (!(q.from instanceof Date) || Number.isNaN(q.from.getTime())) throw badRequest('invalid_time', 'from: Give the start of the trace window', { field: 'from' });
  if (!(q.to instanceof Date) || Number.isNaN(q.to.getTime()) || q.to.getTime() < q.from.getTime()) {
    throw badRequest('invalid_time', 'to: The end of the trace window must come after its start', { field: 'to' });
  }
  if (q.to.getTime() - q.from.getTime() > MAX_TRACE_DAYS * 86_400_000) throw badRequest('trace_window_too_long', `to: At most ${MAX_TRACE_DAYS} days`, { field: 'to', maxDays: MAX_TRACE_DAYS });
  if (!(defaultVisitMinutes >= 0 && defaultVisitMinutes <= MAX_VISIT_MINUTES)) {
    throw badRequest('invalid_visit_length', `defaultVisitMinutes: Between 0 and ${MAX_VISIT_MINUTES}`, { field: 'defaultVisitMinutes' });
  }
  const reach = ruleReachMinutes(q.rule);
  if (!Number.isFinite(reach) || reach > MAX_VISIT_MINUTES) throw badRequest('invalid_rule', `rule: The window is at most ${MAX_VISIT_MINUTES} minutes`, { field: 'rule' });
  const shared = ruleSharedMinutes(q.rule);

  const res = await sql<Row>`
    SELECT * FROM sen_trace_contacts(${q.personId}::uuid, ${q.from.toISOString()}::timestamptz, ${q.to.toISOString()}::timestamptz,
      ${minutes(reach)}, ${minutes(shared.minSharedMinutes)}, ${shared.mustOverlap}, ${minutes(MAX_VISIT_MINUTES)}, ${minutes(defaultVisitMinutes)})`.execute(deps.db);

  const visits: TraceResult['visits'] = [];
  const found: CandidateContact[] = [];
  for (const r of res.rows) {
    const visit: TracedVisit = { checkinId: r.checkin_id, venueId: r.venue_id, start: new Date(r.checked_in_at), end: new Date(r.ends_at), endEstimated: r.end_estimated };
    const contacts: TracedContact[] = [];
    for (const o of r.contacts) {
      const other = { start: new Date(o.start), end: new Date(o.end) };
      const c = classifyContact(visit, other, q.rule);
      if (!c.contact || c.risk === null) continue;
      contacts.push({ checkinId: o.id, venueId: r.venue_id, personId: o.personId, ...other, endEstimated: o.estimated, overlapMinutes: c.overlapMinutes, gapMinutes: c.gapMinutes, risk: c.risk });
      found.push({
        personRef: o.personId, venueId: r.venue_id, venueType: r.venue_type, indexVisitKey: r.checkin_id,
        overlapMinutes: c.overlapMinutes, gapMinutes: c.gapMinutes, risk: c.risk,
      });
    }
    visits.push({ visit, venueType: r.venue_type, contacts });
  }
  return { visits, candidates: rankCandidates(found, q.weights ?? DEFAULT_RANKING_WEIGHTS) };
}
