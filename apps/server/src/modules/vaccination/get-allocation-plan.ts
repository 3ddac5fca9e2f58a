import { notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, scopePaths } from '../access/authorize';
import { findPlan, planLines, planView } from './allocation-repo';

/** One allocation plan with its lines; outside the actor's vaccination:read jurisdiction it does not exist (404). */
export async function getAllocationPlan(deps: Deps, ctx: RequestContext, id: string) {
  scopePaths(ctx, 'vaccination:read');
  const plan = await findPlan(deps.db, id);
  if (!plan || !canAccessArea(ctx, 'vaccination:read', plan.area_path)) throw notFound('Allocation plan');
  return planView(plan, await planLines(deps.db, id));
}
