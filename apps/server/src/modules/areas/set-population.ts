import { sql } from '@sen/db';
import { notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { assertAreaAccess } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { areaPathOf } from './repo';

/** Sets the population of an area (the denominator of coverage and incidence rates). */
export async function setPopulation(deps: Deps, ctx: RequestContext, code: string, population: number): Promise<void> {
  const path = await areaPathOf(deps.db, code);
  if (!path) throw notFound('Area', { code });
  assertAreaAccess(ctx, 'areas:write', path);
  await deps.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('areas').select('population').where('code', '=', code).executeTakeFirstOrThrow();
    await trx.updateTable('areas').set({ population, updated_at: sql`now()` }).where('code', '=', code).execute();
    await recordAudit(trx, ctx, { action: 'area.population_set', entityType: 'area', entityId: code, areaPath: path, details: { before: before.population, after: population } });
  });
}
