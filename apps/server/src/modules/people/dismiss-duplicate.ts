import { sql, type Database } from '@sen/db';
import { conflict, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';

export interface CandidateRow {
  id: string;
  person_a: string;
  person_b: string;
  status: string;
  area_path: string | null;
}

/** A candidate pair the actor may decide on (people:merge over its area); others are 404. */
export async function loadCandidate(db: Database, ctx: RequestContext, id: string, options: { forUpdate?: boolean } = {}): Promise<CandidateRow> {
  scopePaths(ctx, 'people:merge');
  let q = db.selectFrom('duplicate_candidates').select(['id', 'person_a', 'person_b', 'status', sql<string | null>`area_path::text`.as('area_path')]).where('id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row || !canAccessArea(ctx, 'people:merge', row.area_path)) throw notFound('Duplicate candidate');
  return row;
}

/** Records the decision that the two records are different people; the pair is not proposed again. */
export async function dismissDuplicate(deps: Deps, ctx: RequestContext, id: string): Promise<{ id: string; status: 'dismissed' }> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await loadCandidate(trx, ctx, id, { forUpdate: true });
    if (row.status !== 'pending') throw conflict('candidate_decided', `This pair was already ${row.status}`, { candidateStatus: row.status });
    await trx.updateTable('duplicate_candidates').set({ status: 'dismissed', decided_at: sql`now()`, decided_by: ctx.actor?.userId ?? null }).where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'duplicate.dismiss', entityType: 'duplicate_candidate', entityId: id, areaPath: row.area_path, details: { personA: row.person_a, personB: row.person_b } });
  });
  return { id, status: 'dismissed' };
}
