import type { Database, Transaction, DB, Selectable } from '@sen/db';
import type { schema } from '@sen/db';
import { maskName } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import type { z } from 'zod';
import type { CandidateOut, RunOut, RunReadIn, RunSummaryOut } from './schemas';
import { loadIndexPerson, loadRunFor, namesOf } from './tracing-access';

export type RunView = z.infer<typeof RunOut>;
export type CandidateView = z.infer<typeof CandidateOut>;
type CandidateRow = Selectable<schema.TraceCandidates>;

const iso = (d: Date | string) => new Date(d).toISOString();

export function candidateView(row: CandidateRow, name: string | undefined): CandidateView {
  return {
    id: row.id, rank: row.rank, generation: row.generation, viaContactId: row.via_contact_id, maskedName: name ? maskName(name) : '?',
    score: Number(row.score), risk: row.risk as 'high' | 'low', contactCount: row.contact_count, distinctVisits: row.distinct_visits,
    overlapMinutes: Number(row.overlap_minutes), exposureStart: iso(row.exposure_start), exposureEnd: iso(row.exposure_end), venueIds: row.venue_ids,
    bestVenueId: row.best_venue_id, status: row.status as CandidateView['status'], contactId: row.contact_id, opened: row.opened_at !== null,
  };
}

/**
 * A stored run with a page of its candidates (generation 1 by default), best first, names masked. Reading a run is
 * a tracing query of its own: audited with the run's reason.
 */
export async function readRun(deps: Pick<Deps, 'db'>, ctx: RequestContext, id: string, page: z.output<typeof RunReadIn>, options: { audit?: boolean } = {}): Promise<RunView> {
  const db: Database | Transaction<DB> = deps.db;
  const run = await loadRunFor(db, ctx, id, 'read');
  const generation = Number(page.generation ?? '1');
  const rows = await db.selectFrom('trace_candidates').selectAll().where('run_id', '=', id).where('generation', '=', generation)
    .orderBy('rank').orderBy('id').offset(page.offset).limit(page.limit + 1).execute();
  const shown = rows.slice(0, page.limit);
  const names = await namesOf(db, [run.index_person_id, ...shown.map((r) => r.person_id)]);
  if (options.audit !== false) {
    await recordAudit(db, ctx, { action: 'tracing.run.read', entityType: 'trace_run', entityId: id, areaPath: run.area_path, details: { reason: run.reason, generation, offset: page.offset, shown: shown.length } });
  }
  return {
    id: run.id, indexPersonId: run.index_person_id, indexPersonName: names.get(run.index_person_id) ?? '?',
    windowFrom: iso(run.window_from), windowTo: iso(run.window_to), testDate: run.test_date === null ? null : typeof run.test_date === 'string' ? run.test_date : iso(run.test_date).slice(0, 10), rule: run.rule as Record<string, unknown>,
    reason: run.reason, createdAt: iso(run.created_at), visits: run.visits as RunView['visits'], candidateCount: run.candidate_count,
    secondDegree: { status: run.f2_status, limits: run.f2_limits ?? null, summary: run.f2_summary ?? null },
    candidates: shown.map((r) => candidateView(r, names.get(r.person_id))),
    nextOffset: rows.length > page.limit ? page.offset + page.limit : null,
  };
}

/**
 * The runs of one index person (newest first); the person must be in the tracer's jurisdiction (404 otherwise).
 * Audited with the reason the tracer gives for looking.
 */
export async function listRuns(deps: Pick<Deps, 'db'>, ctx: RequestContext, personId: string, reason: string): Promise<{ items: z.infer<typeof RunSummaryOut>[] }> {
  const person = await loadIndexPerson(deps.db, ctx, personId, 'read');
  const rows = await deps.db.selectFrom('trace_runs').select(['id', 'window_from', 'window_to', 'reason', 'candidate_count', 'created_at'])
    .where('index_person_id', '=', person.id).orderBy('created_at', 'desc').limit(200).execute();
  await recordAudit(deps.db, ctx, { action: 'tracing.runs.list', entityType: 'person', entityId: person.id, areaPath: person.area_path, details: { reason, shown: rows.length } });
  return { items: rows.map((r) => ({ id: r.id, windowFrom: iso(r.window_from), windowTo: iso(r.window_to), reason: r.reason, candidateCount: r.candidate_count, createdAt: iso(r.created_at) })) };
}
