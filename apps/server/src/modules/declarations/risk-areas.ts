import { sql } from '@sen/db';
import { badRequest, forbidden } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, requireActor, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { findAreaByCode } from '../areas/repo';

export interface RiskAreaView {
  areaCode: string;
  name: string;
  path: string;
  level: string;
  since: string;
  until: string | null;
}

/** The risk list (public health information, not personal): every signed-in user may read it. */
export async function listRiskAreas(deps: Deps): Promise<{ items: RiskAreaView[] }> {
  const res = await sql<RiskAreaView>`
    SELECT a.code AS "areaCode", a.full_name AS name, r.area_path::text AS path, r.level,
           to_char(r.since, 'YYYY-MM-DD') AS since, to_char(r.until, 'YYYY-MM-DD') AS until
      FROM risk_areas r JOIN areas a ON a.path = r.area_path ORDER BY r.area_path`.execute(deps.db);
  return { items: res.rows };
}

/** Puts an area on the risk list (or changes its window): a tracing team whose tracing:run covers the area. Audited. */
export async function setRiskArea(deps: Deps, ctx: RequestContext, input: { areaCode: string; level: 'high' | 'very_high'; since: string; until?: string | null }): Promise<RiskAreaView> {
  const actor = requireActor(ctx);
  scopePaths(ctx, 'tracing:run');
  const area = await findAreaByCode(deps.db, input.areaCode);
  if (!area || area.level === 0) throw badRequest('unknown_area', `areaCode: There is no area with the code ${input.areaCode}`, { field: 'areaCode' });
  if (!canAccessArea(ctx, 'tracing:run', area.path)) throw forbidden('This area is outside your jurisdiction', { field: 'areaCode', scope: 'tracing:run' });
  for (const [field, day] of [['since', input.since], ['until', input.until]] as const) {
    if (day && Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw badRequest('invalid_date', `${field}: Not a calendar day`, { field });
  }
  const until = input.until ?? null;
  if (until !== null && until < input.since) throw badRequest('invalid_window', 'until: The end comes before the start', { field: 'until' });
  await deps.db.transaction().execute(async (trx) => {
    await sql`
      INSERT INTO risk_areas (area_path, level, since, until, created_by) VALUES (${area.path}::ltree, ${input.level}, ${input.since}::date, ${until}::date, ${actor.userId})
      ON CONFLICT (area_path) DO UPDATE SET level = EXCLUDED.level, since = EXCLUDED.since, until = EXCLUDED.until`.execute(trx);
    await recordAudit(trx, ctx, { action: 'risk_area.set', entityType: 'area', entityId: null, areaPath: area.path, details: { areaCode: area.code, level: input.level, since: input.since, until } });
  });
  return { areaCode: area.code, name: area.fullName, path: area.path, level: input.level, since: input.since, until };
}
