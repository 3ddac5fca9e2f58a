import { sql } from '@sen/db';
import { conflict, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { findPlan, planLines, planView } from './allocation-repo';
import { assertVaccinationAccess } from './vaccination-access';

/**
 * Approves a proposed plan (vaccination:write in its area). The plan approved before for the same area, vaccine,
 * period and target group is superseded in the same transaction, so one plan is in force; two approvals racing
 * for the same key leave one approved and answer the other 409.
 */
export async function approveAllocationPlan(deps: Deps, ctx: RequestContext, id: string) {
  scopePaths(ctx, 'vaccination:write');
  const found = await findPlan(deps.db, id);
  if (!found || !canAccessArea(ctx, 'vaccination:read', found.area_path)) throw notFound('Allocation plan');
  assertVaccinationAccess(ctx, 'vaccination:write', found.area_path, 'Allocation plan');
  try {
    await deps.db.transaction().execute(async (trx) => {
      const plan = (await findPlan(trx, id, { forUpdate: true }))!;
      if (plan.status !== 'proposed') throw conflict('plan_not_proposed', `This plan is ${plan.status}: only a proposed plan can be approved`, { status: plan.status });
      const superseded = await trx.updateTable('allocation_plans').set({ status: 'superseded' })
        .where('area_code', '=', plan.area_code).where('vaccine_code', '=', plan.vaccine_code).where('period_from', '=', sql<Date>`${plan.period_from}::date`)
        .where('period_to', '=', sql<Date>`${plan.period_to}::date`).where('target_group', '=', plan.target_group).where('status', '=', 'approved')
        .returning('id').execute();
      await trx.updateTable('allocation_plans').set({ status: 'approved', approved_at: sql<Date>`now()`, approved_by: ctx.actor?.userId ?? null }).where('id', '=', id).execute();
      await recordAudit(trx, ctx, {
        action: 'allocation_plan.approve', entityType: 'allocation_plan', entityId: id, areaPath: plan.area_path,
        details: { superseded: superseded.map((s) => s.id), dosesToAllocate: plan.doses_to_allocate },
      });
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw conflict('plan_approved_meanwhile', 'Another plan for this area, vaccine and period was approved at the same moment');
    throw err;
  }
  return planView((await findPlan(deps.db, id))!, await planLines(deps.db, id));
}
