import { sql } from '@sen/db';
import { conflict, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { recordAdverseEvent, type AdverseEventInput } from './doses-adverse-events';
import { findDose, observationEndsAt } from './doses-repo';
import { loadSessionFor } from './sessions-repo';
import { loadSiteFor } from './sites-repo';
import { assertVaccinationAccess } from './vaccination-access';

export interface BoardQuery {
  siteId?: string | undefined;
  sessionId?: string | undefined;
  includeDone: 'true' | 'false';
  hours: number;
}

/**
 * The observation board of a site or session: doses given in the last hours whose observation is running (timer),
 * ended but not yet signed off, or (includeDone) done. The server computes observationEndsAt and the time left so
 * every tablet shows the same clock.
 */
export async function observationBoard(deps: Deps, ctx: RequestContext, q: BoardQuery) {
  const place = q.sessionId ? await loadSessionFor(deps.db, ctx, q.sessionId, 'vaccination:read') : await loadSiteFor(deps.db, ctx, q.siteId!, 'vaccination:read');
  const now = new Date();
  const since = new Date(now.getTime() - q.hours * 3_600_000);
  let query = deps.db
    .selectFrom('doses as d')
    .innerJoin('people as p', 'p.id', 'd.person_id')
    .select(['d.id', 'd.person_id', 'p.full_name', 'd.vaccine_code', 'd.dose_number', 'd.dose_kind', 'd.administered_at', 'd.observation_done_at', 'd.observation_outcome'])
    .where('d.administered_at', '>=', since)
    .where('d.source', '=', 'site');
  query = q.sessionId ? query.where('d.session_id', '=', q.sessionId) : query.where('d.site_id', '=', q.siteId!);
  if (q.includeDone === 'false') query = query.where('d.observation_done_at', 'is', null);
  const rows = await query.orderBy('d.administered_at').limit(2000).execute();
  await recordAudit(deps.db, ctx, { action: 'observation.read', entityType: q.sessionId ? 'vaccination_session' : 'vaccination_site', entityId: place.id, areaPath: place.area_path, details: { count: rows.length } });
  return {
    now: now.toISOString(),
    items: rows.map((r) => {
      const ends = observationEndsAt(r.administered_at);
      const remaining = Math.max(0, Math.ceil((ends.getTime() - now.getTime()) / 1000));
      return {
        doseId: r.id, personId: r.person_id, fullName: r.full_name, vaccineCode: r.vaccine_code, doseNumber: r.dose_number, doseKind: r.dose_kind,
        administeredAt: new Date(r.administered_at).toISOString(), observationEndsAt: ends.toISOString(), remainingSeconds: remaining,
        state: r.observation_done_at ? ('done' as const) : remaining > 0 ? ('running' as const) : ('ended' as const), outcome: r.observation_outcome,
      };
    }),
  };
}

/**
 * Signs off a dose's observation: no reaction, or a reaction recorded as an adverse event in the same transaction.
 * Signing off again with the same outcome answers the same (a retried tap); another outcome is 409.
 */
export async function completeObservation(deps: Deps, ctx: RequestContext, doseId: string, input: { outcome: 'no_reaction' | 'reaction'; adverseEvent?: Omit<AdverseEventInput, 'doseId'> | undefined }) {
  scopePaths(ctx, 'vaccination:write');
  const dose = await findDose(deps.db, doseId);
  if (!dose) throw notFound('Dose');
  assertVaccinationAccess(ctx, 'vaccination:write', dose.area_path, 'Dose');
  if (dose.source !== 'site') throw conflict('not_observed_here', 'A backfilled dose has no observation at a site');
  if (dose.observation_done_at) {
    if (dose.observation_outcome !== input.outcome) throw conflict('observation_done', `Observation was already signed off: ${dose.observation_outcome}`, { outcome: dose.observation_outcome });
  } else {
    await deps.db.transaction().execute(async (trx) => {
      const updated = await trx.updateTable('doses').set({ observation_done_at: sql`now()`, observation_outcome: input.outcome, observation_by: ctx.actor?.userId ?? null })
        .where('id', '=', doseId).where('observation_done_at', 'is', null).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw conflict('observation_done', 'Observation was signed off at the same time on another device');
      await recordAudit(trx, ctx, { action: 'observation.done', entityType: 'person', entityId: dose.person_id, areaPath: dose.area_path, details: { doseId, outcome: input.outcome } });
    });
  }
  const event = input.outcome === 'reaction' && input.adverseEvent ? (await recordAdverseEvent(deps, ctx, { ...input.adverseEvent, doseId })).event : null;
  const after = (await findDose(deps.db, doseId))!;
  return { doseId, observationDoneAt: new Date(after.observation_done_at!).toISOString(), outcome: after.observation_outcome!, adverseEvent: event };
}
