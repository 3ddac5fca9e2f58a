import { sql, type Database } from '@sen/db';
import {
  badRequest, classifyContact, DEFAULT_RANKING_WEIGHTS, rankCandidates, ruleReachMinutes, visitInterval,
  type CandidateContact, type ContactRisk, type ContactRule, type RankedCandidate, type RankingWeights,
} from '@sen/domain';
import type { Deps } from '../../context';
import { MAX_VISIT_MINUTES } from './record-checkins';

/** Used for a visit with no check-out until venues carry their own default visit length. */
export const DEFAULT_VISIT_MINUTES = 60;
/** The longest trace window accepted (the retention window is 28 days by default). */
export const MAX_TRACE_DAYS = 62;

export interface TraceQuery {
  personId: string;
  /** The index person's visits that checked in within [from, to] are traced. */
  from: Date;
  to: Date;
  rule: ContactRule;
  /** Length given to a visit with no check-out (later: the venue's own default). */
  defaultVisitMinutes?: number;
  /** Venue types by venue id, for ranking (venues come in a later migration); unknown types weigh 1. */
  venueTypes?: ReadonlyMap<string, string>;
  weights?: RankingWeights;
}

export interface TracedVisit {
  checkinId: string;
  venueId: string;
  start: Date;
  /** The check-out, or the check-in plus the default visit length when `endEstimated`. */
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
  visits: { visit: TracedVisit; contacts: TracedContact[] }[];
  /** F1 candidates, best first (see rankCandidates). */
  candidates: RankedCandidate[];
}

interface Row {
  index_id: string;
  venue_id: string;
  index_in: Date;
  index_out: Date | null;
  other_id: string | null;
  other_person: string | null;
  other_in: Date | null;
  other_out: Date | null;
}

const minutes = (n: number) => sql`(${n}::double precision * interval '1 minute')`;

/**
 * The index person's visits in [from, to] and, for each, the other people at the same venue whose visits are
 * contacts under `rule`. One query: the index visits by (person_id, checked_in_at), then for each a lateral
 * range scan of (venue_id, checked_in_at), which covers the columns needed. A candidate's check-in can be at most
 * the longest visit (MAX_VISIT_MINUTES, enforced at ingest) plus the rule's reach before the index visit starts,
 * and at most the reach after it ends; the same bounds, as constants for the whole window, let the planner prune
 * every daily partition outside [from - longest visit - reach, to + longest visit + reach]. The SQL bounds only
 * narrow the candidates; which of them are contacts is decided in TypeScript by classifyContact.
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
  const span = MAX_VISIT_MINUTES + reach;
  const lo = new Date(q.from.getTime() - span * 60_000).toISOString();
  const hi = new Date(q.to.getTime() + span * 60_000).toISOString();
  const from = q.from.toISOString();
  const to = q.to.toISOString();

  const res = await sql<Row>`
    WITH idx AS MATERIALIZED (
      SELECT id, venue_id, checked_in_at, checked_out_at, coalesce(checked_out_at, checked_in_at + ${minutes(defaultVisitMinutes)}) AS ends
        FROM checkins
       WHERE person_id = ${q.personId}::uuid AND checked_in_at >= ${from}::timestamptz AND checked_in_at <= ${to}::timestamptz
    )
    SELECT idx.id AS index_id, idx.venue_id, idx.checked_in_at AS index_in, idx.checked_out_at AS index_out,
           o.id AS other_id, o.person_id AS other_person, o.checked_in_at AS other_in, o.checked_out_at AS other_out
      FROM idx
      LEFT JOIN LATERAL (
        SELECT c.id, c.person_id, c.checked_in_at, c.checked_out_at
          FROM checkins c
         WHERE c.venue_id = idx.venue_id
           AND c.checked_in_at >= ${lo}::timestamptz AND c.checked_in_at <= ${hi}::timestamptz
           AND c.checked_in_at >= idx.checked_in_at - ${minutes(span)}
           AND c.checked_in_at <= idx.ends + ${minutes(reach)}
           AND coalesce(c.checked_out_at, c.checked_in_at + ${minutes(defaultVisitMinutes)}) >= idx.checked_in_at - ${minutes(reach)}
           AND c.person_id <> ${q.personId}::uuid
      ) o ON true
     ORDER BY idx.checked_in_at, idx.id, o.checked_in_at, o.id`.execute(deps.db);

  const visits: TraceResult['visits'] = [];
  const found: CandidateContact[] = [];
  let current: TraceResult['visits'][number] | undefined;
  for (const r of res.rows) {
    if (!current || current.visit.checkinId !== r.index_id) {
      const indexIn = new Date(r.index_in);
      const indexOut = r.index_out ? new Date(r.index_out) : null;
      current = {
        visit: { checkinId: r.index_id, venueId: r.venue_id, start: indexIn, end: visitInterval({ start: indexIn, end: indexOut }, defaultVisitMinutes).end, endEstimated: indexOut === null },
        contacts: [],
      };
      visits.push(current);
    }
    if (r.other_id === null || r.other_person === null || r.other_in === null) continue;
    const otherIn = new Date(r.other_in);
    const otherOut = r.other_out ? new Date(r.other_out) : null;
    const other = visitInterval({ start: otherIn, end: otherOut }, defaultVisitMinutes);
    const c = classifyContact({ start: current.visit.start, end: current.visit.end }, other, q.rule);
    if (!c.contact || c.risk === null) continue;
    current.contacts.push({
      checkinId: r.other_id, venueId: r.venue_id, personId: r.other_person, start: other.start, end: other.end, endEstimated: otherOut === null,
      overlapMinutes: c.overlapMinutes, gapMinutes: c.gapMinutes, risk: c.risk,
    });
    found.push({
      personRef: r.other_person, venueId: r.venue_id, venueType: q.venueTypes?.get(r.venue_id) ?? null, indexVisitKey: r.index_id,
      overlapMinutes: c.overlapMinutes, gapMinutes: c.gapMinutes, risk: c.risk,
    });
  }
  return { visits, candidates: rankCandidates(found, q.weights ?? DEFAULT_RANKING_WEIGHTS) };
}
