import { sql } from '@sen/db';
import { AppError, conflict, findVaccine, notFound, proposeAllocation, vnToday, type Scope } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { areaPopulations } from '../areas/repo';
import { primaryDosesGiven } from '../reports/doses-given';
import type { AllocationPlanInput } from './allocation-schemas';
import { planView, type PlanLineRow } from './allocation-repo';
import { activeCatalog } from './catalog-store';
import { cleanNote } from './ledger';
import { fieldError } from './sites-repo';
import { assertVaccinationAccess } from './vaccination-access';

export interface ComputedPlan { view: ReturnType<typeof planView>; areaPath: string; lineRows: (PlanLineRow & { area_path: string })[] }

/**
 * A plan for an area and its child areas (packages/domain allocation.ts): the target population of the group
 * (adults 18+ or over-50s: the area's own figure, else the sum of its communes'), the vaccine's doses per person in
 * the catalog in force on the first day of the period, the primary doses of the vaccine already given there up
 * to today (rollups), and the doses to allocate, split among the children by target population. Needs `scope`
 * in the area: outside the actor's vaccination:read jurisdiction the area answers 404, readable only 403.
 */
export async function computeAllocationPlan(deps: Deps, ctx: RequestContext, input: AllocationPlanInput, scope: Scope): Promise<ComputedPlan> {
  const area = await deps.db.selectFrom('areas').select(['code', sql<string>`path::text`.as('path'), 'full_name', 'level']).where('code', '=', input.areaCode).executeTakeFirst();
  if (!area) throw notFound('Area', { field: 'areaCode' });
  assertVaccinationAccess(ctx, scope, area.path, 'Area', { field: 'areaCode' });
  const note = cleanNote(input.note, 'note');
  const catalog = await activeCatalog(deps.db, new Date(`${input.periodFrom}T12:00:00+07:00`));
  const vaccine = findVaccine(catalog, input.vaccineCode);
  if (!vaccine) throw fieldError('unknown_vaccine', 'vaccineCode', `${input.vaccineCode} is not in the catalog in force on ${input.periodFrom} (version ${catalog.version})`);
  const children = await deps.db.selectFrom('areas').select(['code', sql<string>`path::text`.as('path'), 'full_name', 'level'])
    .where('parent_code', '=', area.code).orderBy('code').execute();
  if (children.length === 0) throw fieldError('no_child_areas', 'areaCode', `${area.full_name} has no areas below it to allocate to`);

  const [populations, given] = await Promise.all([
    areaPopulations(deps.db, [area.path, ...children.map((c) => c.path)]),
    primaryDosesGiven(deps.db, [area, ...children].map((a) => ({ code: a.code, path: a.path, name: a.full_name, level: a.level })), vaccine.code, vnToday()),
  ]);
  const target = (path: string) => {
    const p = populations.get(path);
    return (input.targetGroup === 'over_50' ? p?.population50Plus : p?.population18Plus) ?? null;
  };
  const missing = children.filter((c) => target(c.path) === null).map((c) => c.code);
  if (missing.length > 0) {
    throw conflict('target_population_missing', `Set the population ${input.targetGroup === 'over_50' ? 'aged 50 and over' : 'aged 18 and over'} of ${missing.length} area(s) first (PUT /api/areas/{code}/population)`, { field: 'areaCode', areas: missing.slice(0, 100) });
  }
  let proposal;
  try {
    proposal = proposeAllocation({
      coverageGoalPct: input.coverageGoalPct, seriesDoses: vaccine.seriesDoses, dosesAvailable: input.dosesAvailable ?? null,
      parent: { targetPopulation: target(area.path), dosesGiven: given.get(area.path) ?? 0 },
      children: children.map((c) => ({ targetPopulation: target(c.path)!, dosesGiven: given.get(c.path) ?? 0 })),
    });
  } catch (err) {
    if (err instanceof RangeError) throw new AppError('cannot_allocate', err.message, { field: 'areaCode' }, 409);
    throw err;
  }
  const lineRows = children.map((c, i) => ({
    area_code: c.code, area_path: c.path, area_name: c.full_name, target_population: proposal.children[i]!.targetPopulation, doses_given: proposal.children[i]!.dosesGiven,
    doses_needed: proposal.children[i]!.dosesNeeded, doses_to_allocate: proposal.children[i]!.dosesToAllocate,
  }));
  const view = planView({
    id: null, status: null, created_at: null, approved_at: null, area_code: area.code, area_name: area.full_name, vaccine_code: vaccine.code,
    period_from: input.periodFrom, period_to: input.periodTo, target_group: input.targetGroup, coverage_goal_pct: input.coverageGoalPct, series_doses: vaccine.seriesDoses,
    target_population: proposal.targetPopulation, doses_given: proposal.dosesGiven, doses_needed: proposal.dosesNeeded, doses_available: input.dosesAvailable ?? null,
    doses_to_allocate: proposal.dosesToAllocate, note,
  }, lineRows);
  return { view, areaPath: area.path, lineRows };
}

/** A proposal for an area's children, computed and not stored (vaccination:read in the area). */
export async function proposeAllocationPlan(deps: Deps, ctx: RequestContext, input: AllocationPlanInput) {
  return (await computeAllocationPlan(deps, ctx, input, 'vaccination:read')).view;
}
