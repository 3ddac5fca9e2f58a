import { z } from 'zod';
import { sql, uuidv7 } from '@sen/db';
import { badRequest, conflict, type ContactRule } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import type { JobDefinition } from '../../jobs';
import { recordAudit } from '../access/record-audit';
import { computeTrace } from './compute-trace';
import { candidateDrafts } from './run-trace';
import { loadRunFor } from './tracing-access';

export const SECOND_DEGREE_JOB = 'tracing.second-degree';
const DAY_MS = 86_400_000;
/** An F1 is searched from their exposure for this long (the incubation the window rule assumes). */
export const F2_WINDOW_DAYS = 14;

export const SecondDegreePayload = z.strictObject({
  runId: z.uuid(),
  perF1Limit: z.number().int().min(1).max(10_000),
  totalLimit: z.number().int().min(1).max(100_000),
  requestedBy: z.uuid().nullable(),
});
export type SecondDegreeJob = z.output<typeof SecondDegreePayload>;

/**
 * Queues the F2 search of a run: from the F1 contacts confirmed for its index person. Limits default to the
 * configuration and may only be lowered by the request (a runaway fan-out costs every tracer). 409 when no F1 is
 * confirmed yet. Audited with the run's reason.
 */
export async function requestSecondDegree(deps: Deps, ctx: RequestContext, runId: string, input: { perF1Limit?: number | undefined; totalLimit?: number | undefined }): Promise<{ runId: string; jobId: string | null; status: string; limits: { perF1Limit: number; totalLimit: number } }> {
  const perF1Limit = input.perF1Limit ?? deps.config.SEN_TRACING_F2_PER_F1;
  const totalLimit = input.totalLimit ?? deps.config.SEN_TRACING_F2_TOTAL;
  if (perF1Limit > deps.config.SEN_TRACING_F2_PER_F1) throw badRequest('fanout_too_large', `perF1Limit: At most ${deps.config.SEN_TRACING_F2_PER_F1}`, { field: 'perF1Limit', max: deps.config.SEN_TRACING_F2_PER_F1 });
  if (totalLimit > deps.config.SEN_TRACING_F2_TOTAL) throw badRequest('fanout_too_large', `totalLimit: At most ${deps.config.SEN_TRACING_F2_TOTAL}`, { field: 'totalLimit', max: deps.config.SEN_TRACING_F2_TOTAL });
  const limits = { perF1Limit, totalLimit };
  const run = await deps.db.transaction().execute(async (trx) => {
    const r = await loadRunFor(trx, ctx, runId, 'write', { forUpdate: true });
    const f1 = await trx.selectFrom('contacts').select(sql<number>`count(*)::int`.as('n')).where('index_person_id', '=', r.index_person_id).where('generation', '=', 1).where('status', '=', 'confirmed').executeTakeFirstOrThrow();
    if (f1.n === 0) throw conflict('no_confirmed_f1', 'Confirm at least one F1 contact before searching for F2');
    await trx.updateTable('trace_runs').set({ f2_status: 'queued', f2_limits: JSON.stringify(limits) }).where('id', '=', r.id).execute();
    await recordAudit(trx, ctx, { action: 'tracing.second-degree.request', entityType: 'trace_run', entityId: r.id, areaPath: r.area_path, details: { reason: r.reason, ...limits, f1: f1.n } });
    return r;
  });
  const jobId = await deps.jobs.send(SECOND_DEGREE_JOB, { runId: run.id, ...limits, requestedBy: ctx.actor?.userId ?? null }, { singletonKey: run.id });
  return { runId: run.id, jobId, status: 'queued', limits };
}

export interface SecondDegreeSummary {
  f1: number;
  candidates: number;
  /** F1s whose own candidates were cut at perF1Limit. */
  cutPerF1: number;
  /** Whether the run's total limit stopped the search. */
  cutTotal: boolean;
}

/**
 * The job: for each confirmed F1 of the run's index person (earliest confirmed first), their contacts from their
 * exposure for F2_WINDOW_DAYS days (up to the run's end at least, never past now), under the run's rule, without the
 * index person and the F1s themselves; at most perF1Limit per F1 (the best ranked) and totalLimit in all. Stored as
 * generation 2 candidates naming the F1 contact. Idempotent: a rerun adds only what is not stored yet.
 */
export async function runSecondDegree(deps: Pick<Deps, 'db'>, job: SecondDegreeJob, now: Date = new Date()): Promise<SecondDegreeSummary> {
  const run = await deps.db.selectFrom('trace_runs').selectAll().where('id', '=', job.runId).executeTakeFirst();
  if (!run) return { f1: 0, candidates: 0, cutPerF1: 0, cutTotal: false };
  const rule = run.rule as unknown as ContactRule;
  const f1s = await deps.db.selectFrom('contacts').select(['id', 'contact_person_id', 'exposure_start'])
    .where('index_person_id', '=', run.index_person_id).where('generation', '=', 1).where('status', '=', 'confirmed')
    .orderBy('confirmed_at').orderBy('id').execute();
  const known = new Set([run.index_person_id, ...f1s.map((f) => f.contact_person_id)]);
  let total = (await deps.db.selectFrom('trace_candidates').select(sql<number>`count(*)::int`.as('n')).where('run_id', '=', run.id).where('generation', '=', 2).executeTakeFirstOrThrow()).n;
  let cutPerF1 = 0;
  let cutTotal = false;
  try {
    for (const f1 of f1s) {
      if (total >= job.totalLimit) {
        cutTotal = true;
        break;
      }
      const from = new Date(f1.exposure_start);
      const to = new Date(Math.min(now.getTime(), Math.max(from.getTime() + F2_WINDOW_DAYS * DAY_MS, new Date(run.window_to).getTime())));
      if (to.getTime() <= from.getTime()) continue;
      const trace = await computeTrace(deps.db, { personId: f1.contact_person_id, from, to, rule });
      const drafts = candidateDrafts(trace, known);
      if (drafts.length > job.perF1Limit) cutPerF1 += 1;
      const room = job.totalLimit - total;
      const kept = drafts.slice(0, Math.min(job.perF1Limit, room));
      if (kept.length < Math.min(drafts.length, job.perF1Limit)) cutTotal = true;
      if (kept.length === 0) continue;
      const res = await deps.db.insertInto('trace_candidates').values(kept.map((d, i) => ({
        id: uuidv7(), run_id: run.id, person_id: d.personId, generation: 2, via_contact_id: f1.id, rank: total + i + 1, score: d.score, risk: d.risk,
        contact_count: d.contactCount, distinct_visits: d.distinctVisits, overlap_minutes: d.overlapMinutes, venue_ids: d.venueIds,
        exposure_start: d.exposureStart, exposure_end: d.exposureEnd, best_venue_id: d.bestVenueId,
      }))).onConflict((oc) => oc.columns(['run_id', 'via_contact_id', 'person_id']).where('generation', '=', 2).doNothing()).returning('id').execute();
      total += res.length;
    }
  } catch (err) {
    await deps.db.updateTable('trace_runs').set({ f2_status: 'failed' }).where('id', '=', run.id).execute();
    throw err;
  }
  const summary: SecondDegreeSummary = { f1: f1s.length, candidates: total, cutPerF1, cutTotal };
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('trace_runs').set({ f2_status: 'done', f2_summary: JSON.stringify(summary) }).where('id', '=', run.id).execute();
    await recordAudit(trx, { actor: null, ip: null, requestId: null }, {
      action: 'tracing.second-degree.run', entityType: 'trace_run', entityId: run.id, areaPath: run.area_path,
      details: { reason: run.reason, requestedBy: job.requestedBy, ...summary },
    });
  });
  return summary;
}

export function secondDegreeJob(deps: Pick<Deps, 'db'>): JobDefinition<typeof SecondDegreePayload> {
  return { name: SECOND_DEGREE_JOB, payload: SecondDegreePayload, policy: 'stately', handler: (payload) => runSecondDegree(deps, payload) };
}
