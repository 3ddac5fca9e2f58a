import { sql } from '@sen/db';
import { badRequest, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { assertAreaAccess } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { areaPathOf } from './repo';

export interface PopulationInput {
  population?: number | undefined;
  /** People aged 18 and over: the target population of coverage (DOMAIN.md). */
  population18Plus?: number | undefined;
  /** People aged 50 and over. */
  population50Plus?: number | undefined;
}

const FIELDS = [['population', 'population'], ['population18Plus', 'population_18_plus'], ['population50Plus', 'population_50_plus']] as const;

/**
 * Sets the population of an area and its target populations (the denominators of coverage, incidence rates and
 * allocation plans). Figures not given keep their value; together they must nest (50+ <= 18+ <= everyone), else a
 * 400 names the field at fault and nothing changes.
 */
export async function setPopulation(deps: Deps, ctx: RequestContext, code: string, input: PopulationInput): Promise<void> {
  const path = await areaPathOf(deps.db, code);
  if (!path) throw notFound('Area', { code });
  assertAreaAccess(ctx, 'areas:write', path);
  await deps.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('areas').select(['population', 'population_18_plus', 'population_50_plus']).where('code', '=', code).forUpdate().executeTakeFirstOrThrow();
    const after = {
      population: input.population ?? before.population,
      population_18_plus: input.population18Plus ?? before.population_18_plus,
      population_50_plus: input.population50Plus ?? before.population_50_plus,
    };
    const refuse = (field: string, message: string) => badRequest('invalid_population', `${field}: ${message}`, { field, errors: [{ field, message }] });
    if (after.population_18_plus !== null && after.population !== null && after.population_18_plus > after.population) {
      throw refuse(input.population18Plus !== undefined ? 'population18Plus' : 'population', `People aged 18 and over (${after.population_18_plus}) cannot outnumber the population (${after.population})`);
    }
    if (after.population_50_plus !== null && after.population_18_plus !== null && after.population_50_plus > after.population_18_plus) {
      throw refuse(input.population50Plus !== undefined ? 'population50Plus' : 'population18Plus', `People aged 50 and over (${after.population_50_plus}) cannot outnumber those aged 18 and over (${after.population_18_plus})`);
    }
    await trx.updateTable('areas').set({ ...after, updated_at: sql`now()` }).where('code', '=', code).execute();
    const changed = FIELDS.filter(([, column]) => before[column] !== after[column]);
    await recordAudit(trx, ctx, {
      action: 'area.population_set', entityType: 'area', entityId: code, areaPath: path,
      details: Object.fromEntries(changed.map(([field, column]) => [field, { before: before[column], after: after[column] }])),
    });
  });
}
