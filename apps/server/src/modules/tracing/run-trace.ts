import { sql, uuidv7 } from '@sen/db';
import { badRequest, PC_COVID_WINDOW_RULE, vnDayOf, vnDayStart, type ContactRule } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { CLOCK_SKEW_MINUTES } from '../checkins/record-checkins';
import { computeTrace, type ComputedTrace } from './compute-trace';
import { readRun, type RunView } from './read-run';
import { DEFAULT_WINDOW_DAYS, type RuleInput, type RunTraceInput } from './schemas';
import { loadIndexPerson } from './tracing-access';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** A run keeps at most this many candidates (best first); a busy market can yield more, the rest are counted. */
export const MAX_STORED_CANDIDATES = 5_000;

function fieldError(code: string, field: string, message: string): never {
  throw badRequest(code, `${field}: ${message}`, { field, errors: [{ field, message }] });
}

export interface TraceWindow {
  from: Date;
  to: Date;
  testDate: string | null;
}

/**
 * The window: explicit from/to, or `days` (default 14) Viet Nam days before the test date (default today) up to
 * the end of the test day, cut at now. At most `maxDays` long (the check-ins retention: older check-ins are gone)
 * and never in the future.
 */
export function traceWindow(input: Pick<RunTraceInput, 'from' | 'to' | 'testDate' | 'days'>, now: Date, maxDays: number): TraceWindow {
  const latest = now.getTime() + CLOCK_SKEW_MINUTES * MINUTE_MS;
  if (input.from !== undefined || input.to !== undefined) {
    if (input.from === undefined || input.to === undefined) fieldError('invalid_window', input.from === undefined ? 'from' : 'to', 'Give both from and to, or neither');
    if (input.testDate !== undefined || input.days !== undefined) fieldError('invalid_window', 'testDate', 'Give either from/to or testDate/days, not both');
    const from = new Date(input.from);
    const to = new Date(input.to);
    if (to.getTime() <= from.getTime()) fieldError('invalid_window', 'to', 'The end of the window must come after its start');
    if (to.getTime() - from.getTime() > maxDays * DAY_MS) fieldError('trace_window_too_long', 'to', `At most ${maxDays} days (the check-ins retention)`);
    if (from.getTime() > latest) fieldError('window_in_future', 'from', 'The window starts in the future');
    return { from, to: new Date(Math.min(to.getTime(), now.getTime())), testDate: null };
  }
  const testDate = input.testDate ?? vnDayOf(now);
  const testStart = vnDayStart(testDate);
  if (Number.isNaN(testStart.getTime()) || vnDayOf(testStart) !== testDate) fieldError('invalid_date', 'testDate', 'Give a real day as YYYY-MM-DD');
  if (testStart.getTime() > latest) fieldError('test_date_in_future', 'testDate', 'The test date is in the future');
  const days = input.days ?? Math.min(DEFAULT_WINDOW_DAYS, maxDays);
  if (days > maxDays) fieldError('trace_window_too_long', 'days', `At most ${maxDays} days (the check-ins retention)`);
  const from = new Date(testStart.getTime() - days * DAY_MS);
  const to = new Date(Math.min(testStart.getTime() + DAY_MS, now.getTime()));
  return { from, to, testDate };
}

export function toContactRule(input: RuleInput | undefined): ContactRule {
  if (!input) return PC_COVID_WINDOW_RULE;
  if (input.kind === 'window') return { kind: 'window', minutes: input.minutes, highRiskMinutes: input.highRiskMinutes };
  return { kind: 'overlap', minMinutes: input.minMinutes, highRiskMinutes: input.highRiskMinutes };
}

export interface CandidateDraft {
  personId: string;
  rank: number;
  score: number;
  risk: 'high' | 'low';
  contactCount: number;
  distinctVisits: number;
  overlapMinutes: number;
  venueIds: string[];
  exposureStart: Date;
  exposureEnd: Date;
  bestVenueId: string | null;
}

/**
 * The ranked candidates with their exposure: for each contact, the shared span when the visits overlap, else the
 * candidate's own visit (a near miss under the window rule); the candidate's exposure spans all of them, and its
 * best venue is where it shared the most minutes (the earliest on a tie).
 */
export function candidateDrafts(trace: ComputedTrace, exclude: ReadonlySet<string> = new Set()): CandidateDraft[] {
  const spans = new Map<string, { start: number; end: number; bestVenue: string; bestOverlap: number; bestAt: number }>();
  for (const v of trace.visits) {
    for (const c of v.contacts) {
      const overlapping = c.overlapMinutes > 0;
      const start = overlapping ? Math.max(v.start.getTime(), c.start.getTime()) : c.start.getTime();
      const end = overlapping ? Math.min(v.end.getTime(), c.end.getTime()) : c.end.getTime();
      const s = spans.get(c.personId);
      if (!s) spans.set(c.personId, { start, end, bestVenue: v.venueId, bestOverlap: c.overlapMinutes, bestAt: start });
      else {
        s.start = Math.min(s.start, start);
        s.end = Math.max(s.end, end);
        if (c.overlapMinutes > s.bestOverlap || (c.overlapMinutes === s.bestOverlap && start < s.bestAt)) Object.assign(s, { bestVenue: v.venueId, bestOverlap: c.overlapMinutes, bestAt: start });
      }
    }
  }
  const out: CandidateDraft[] = [];
  for (const c of trace.candidates) {
    if (exclude.has(c.personRef)) continue;
    const s = spans.get(c.personRef)!;
    out.push({
      personId: c.personRef, rank: out.length + 1, score: c.score, risk: c.risk, contactCount: c.contacts, distinctVisits: c.distinctVisits,
      overlapMinutes: c.totalOverlapMinutes, venueIds: c.venueIds, exposureStart: new Date(s.start), exposureEnd: new Date(Math.max(s.start, s.end)), bestVenueId: s.bestVenue,
    });
  }
  return out;
}

/**
 * Runs a trace for a positive person: their visits in the window and the people met there, ranked, stored as a
 * run a tracer can review later. The tracer needs tracing:run where the index person lives (403 elsewhere); the
 * run and its reason are audited in the same transaction as the stored result.
 */
export async function runTrace(deps: Deps, ctx: RequestContext, input: RunTraceInput, now: Date = new Date()): Promise<RunView> {
  const person = await loadIndexPerson(deps.db, ctx, input.personId, 'write');
  const window = traceWindow(input, now, deps.config.SEN_CHECKINS_RETENTION_DAYS);
  const rule = toContactRule(input.rule);
  const trace = await computeTrace(deps.db, { personId: person.id, from: window.from, to: window.to, rule });
  const drafts = candidateDrafts(trace);
  const stored = drafts.slice(0, MAX_STORED_CANDIDATES);

  const venueIds = [...new Set(trace.visits.map((v) => v.venueId))];
  const venues = venueIds.length
    ? await sql<{ id: string; name: string; type: string; commune_code: string }>`SELECT id, name, type, commune_code FROM venues WHERE id = ANY(${venueIds}::uuid[])`.execute(deps.db)
    : { rows: [] };
  const venueById = new Map(venues.rows.map((v) => [v.id, v]));
  const visits = trace.visits.map((v) => ({
    checkinId: v.checkinId, venueId: v.venueId, venueName: venueById.get(v.venueId)?.name ?? null, venueType: v.venueType,
    communeCode: venueById.get(v.venueId)?.commune_code ?? null, start: v.start.toISOString(), end: v.end.toISOString(), endEstimated: v.endEstimated,
    contacts: v.contacts.length,
  }));

  const runId = uuidv7();
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('trace_runs').values({
      id: runId, index_person_id: person.id, area_path: person.area_path, window_from: window.from, window_to: window.to, test_date: window.testDate,
      rule: JSON.stringify(rule), reason: input.reason, visits: JSON.stringify(visits), candidate_count: drafts.length, created_by: ctx.actor?.userId ?? null,
    }).execute();
    for (let i = 0; i < stored.length; i += 1_000) {
      await trx.insertInto('trace_candidates').values(stored.slice(i, i + 1_000).map((d) => ({
        id: uuidv7(), run_id: runId, person_id: d.personId, generation: 1, via_contact_id: null, rank: d.rank, score: d.score, risk: d.risk,
        contact_count: d.contactCount, distinct_visits: d.distinctVisits, overlap_minutes: d.overlapMinutes, venue_ids: d.venueIds,
        exposure_start: d.exposureStart, exposure_end: d.exposureEnd, best_venue_id: d.bestVenueId,
      }))).execute();
    }
    await recordAudit(trx, ctx, {
      action: 'tracing.run', entityType: 'trace_run', entityId: runId, areaPath: person.area_path,
      details: { reason: input.reason, indexPersonId: person.id, from: window.from.toISOString(), to: window.to.toISOString(), rule, visits: visits.length, candidates: drafts.length },
    });
  });
  return readRun(deps, ctx, runId, { generation: '1', offset: 0, limit: 100 }, { audit: false });
}
