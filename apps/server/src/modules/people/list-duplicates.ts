import type { Deps, RequestContext } from '../../context';
import { scopePaths, jurisdictionSql } from '../access/authorize';
import { selectPeople, summariesOf, type PersonSummary } from './repo';

export interface DuplicateCandidate {
  id: string;
  score: number;
  reasons: string[];
  status: string;
  detectedAt: string;
  personA: PersonSummary;
  personB: PersonSummary;
}

/**
 * The review queue, best score first. A pair is listed only when the actor may merge both records: the pair's area
 * is the deepest area holding both, and both people are checked too (one may have moved since it was found).
 */
export async function listDuplicates(deps: Deps, ctx: RequestContext, input: { status: 'pending' | 'merged' | 'dismissed'; limit: number; offset: number }): Promise<{ items: DuplicateCandidate[]; hasMore: boolean }> {
  scopePaths(ctx, 'people:merge');
  const rows = await deps.db
    .selectFrom('duplicate_candidates as d')
    .innerJoin('people as a', 'a.id', 'd.person_a')
    .innerJoin('people as b', 'b.id', 'd.person_b')
    .select(['d.id', 'd.score', 'd.reasons', 'd.status', 'd.detected_at', 'd.person_a', 'd.person_b'])
    .where('d.status', '=', input.status)
    .where(jurisdictionSql(ctx, 'people:merge', 'd.area_path'))
    .where(jurisdictionSql(ctx, 'people:merge', 'a.area_path'))
    .where(jurisdictionSql(ctx, 'people:merge', 'b.area_path'))
    .orderBy('d.score', 'desc')
    .orderBy('d.id')
    .limit(input.limit + 1)
    .offset(input.offset)
    .execute();
  const page = rows.slice(0, input.limit);
  if (page.length === 0) return { items: [], hasMore: false };
  const people = await selectPeople(deps.db).where('p.id', 'in', page.flatMap((r) => [r.person_a, r.person_b])).execute();
  const summaries = new Map((await summariesOf(deps.db, people)).map((s) => [s.id, s]));
  return {
    items: page.map((r) => ({
      id: r.id, score: r.score, reasons: r.reasons, status: r.status, detectedAt: new Date(r.detected_at).toISOString(),
      personA: summaries.get(r.person_a)!, personB: summaries.get(r.person_b)!,
    })),
    hasMore: rows.length > input.limit,
  };
}
