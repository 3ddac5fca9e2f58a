import { uuidv7 } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import type { AllocationPlanInput } from './allocation-schemas';
import { findPlan, planLines, planView } from './allocation-repo';
import { computeAllocationPlan } from './propose-allocation-plan';

/**
 * Stores a plan as proposed: computed on the server from the same inputs as a proposal (a client cannot store
 * figures of its own), with one line per child area. Needs vaccination:write in the area. Approval is a second
 * step (approve-allocation-plan.ts).
 */
export async function createAllocationPlan(deps: Deps, ctx: RequestContext, input: AllocationPlanInput) {
  const { view, areaPath, lineRows } = await computeAllocationPlan(deps, ctx, input, 'vaccination:write');
  const id = uuidv7();
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('allocation_plans').values({
      id, area_code: view.areaCode, area_path: areaPath, vaccine_code: view.vaccineCode, period_from: view.periodFrom, period_to: view.periodTo,
      target_group: view.targetGroup, coverage_goal_pct: view.coverageGoalPct, series_doses: view.seriesDoses, target_population: view.targetPopulation,
      doses_given: view.dosesGiven, doses_needed: view.dosesNeeded, doses_available: view.dosesAvailable, doses_to_allocate: view.dosesToAllocate,
      note: view.note, created_by: ctx.actor?.userId ?? null,
    }).execute();
    await trx.insertInto('allocation_plan_lines').values(lineRows.map((l) => ({
      plan_id: id, area_code: l.area_code, area_path: l.area_path, target_population: l.target_population, doses_given: l.doses_given, doses_needed: l.doses_needed,
      doses_to_allocate: l.doses_to_allocate,
    }))).execute();
    await recordAudit(trx, ctx, {
      action: 'allocation_plan.create', entityType: 'allocation_plan', entityId: id, areaPath,
      details: { vaccineCode: view.vaccineCode, periodFrom: view.periodFrom, periodTo: view.periodTo, targetGroup: view.targetGroup, coverageGoalPct: view.coverageGoalPct, dosesToAllocate: view.dosesToAllocate },
    });
  });
  return planView((await findPlan(deps.db, id))!, await planLines(deps.db, id));
}
