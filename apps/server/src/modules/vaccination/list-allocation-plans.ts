import { sql } from '@sen/db';
import { notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, jurisdictionSql } from '../access/authorize';
import { planView, selectPlans, type PlanRow } from './allocation-repo';

export interface PlansQuery {
  area?: string | undefined;
  vaccineCode?: string | undefined;
  status?: 'proposed' | 'approved' | 'superseded' | undefined;
  limit: number;
  offset: number;
}

/** Allocation plans of areas in the actor's vaccination:read jurisdiction (inside `area` when given), newest first, without their lines. */
export async function listAllocationPlans(deps: Deps, ctx: RequestContext, q: PlansQuery) {
  let query = selectPlans(deps.db).where(jurisdictionSql(ctx, 'vaccination:read', sql`p.area_path`));
  if (q.area) {
    const area = await deps.db.selectFrom('areas').select(sql<string>`path::text`.as('path')).where('code', '=', q.area).executeTakeFirst();
    if (!area || !canAccessArea(ctx, 'vaccination:read', area.path)) throw notFound('Area', { field: 'area' });
    query = query.where(sql<boolean>`p.area_path <@ ${area.path}::ltree`);
  }
  if (q.vaccineCode) query = query.where('p.vaccine_code', '=', q.vaccineCode);
  if (q.status) query = query.where('p.status', '=', q.status);
  const rows = (await query.orderBy('p.created_at', 'desc').orderBy('p.id', 'desc').limit(q.limit + 1).offset(q.offset).execute()) as PlanRow[];
  return { items: rows.slice(0, q.limit).map((r) => planView(r, [])), hasMore: rows.length > q.limit };
}
