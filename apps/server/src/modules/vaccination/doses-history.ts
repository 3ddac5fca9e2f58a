import { sql } from '@sen/db';
import { AppError, evaluateDose, notFound, vaccinationStatus, type DoseRecord } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, requireActor, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { doseView, type DoseRow } from './doses-repo';
import { catalogFor } from './sessions-repo';

const MAX_MERGE_HOPS = 10;
const isoDay = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

async function historyOf(deps: Deps, personId: string) {
  const rows = (await deps.db.selectFrom('doses').selectAll()
    .select([sql<string>`area_path::text`.as('area_path'), sql<string | null>`person_area_path::text`.as('person_area_path'), sql<string>`administered_on::text`.as('administered_on')])
    .where('person_id', '=', personId).orderBy('administered_at').execute()) as unknown as DoseRow[];
  const counted = rows.filter((r) => r.review_status !== 'rejected');
  const records: DoseRecord[] = counted.map((r) => ({ date: new Date(r.administered_at), vaccine: r.vaccine_code, doseNumber: r.dose_number, component: r.component }));
  const now = new Date();
  const catalog = await catalogFor(deps.db, now);
  const status = vaccinationStatus(records, catalog, now);
  const last = records[records.length - 1];
  // When the next dose is due: the rules judge the last dose as if proposed, with the doses before it.
  const next = last ? evaluateDose({ ageYears: 30, priorDoses: records.slice(0, -1), proposed: { date: last.date, vaccine: last.vaccine, component: last.component ?? null } }, catalog).nextDue : null;
  return {
    personId,
    doses: rows.map((r) => doseView(r)),
    status: { ...status, completedOn: isoDay(status.completedOn), lastDoseOn: isoDay(status.lastDoseOn) },
    nextDue: next ? { earliest: isoDay(next.earliest)!, recommended: isoDay(next.recommended)!, latest: isoDay(next.latest) } : null,
    catalogVersion: String(catalog.version),
  };
}

/**
 * A person's vaccination history for staff: people:read where the person lives, or vaccination:read where the person
 * was checked in or vaccinated (a site serves people from anywhere). Otherwise 404. Audited as a health-data read.
 */
export async function personHistory(deps: Deps, ctx: RequestContext, personId: string) {
  scopePaths(ctx, 'people:read');
  scopePaths(ctx, 'vaccination:read');
  const person = await deps.db.selectFrom('people').select(['id', sql<string | null>`area_path::text`.as('area_path')]).where('id', '=', personId).executeTakeFirst();
  if (!person) throw notFound('Person');
  let allowed = canAccessArea(ctx, 'people:read', person.area_path);
  if (!allowed) {
    const seen = await sql<{ area_path: string }>`
      (SELECT area_path::text FROM session_arrivals WHERE person_id = ${personId} UNION SELECT area_path::text FROM doses WHERE person_id = ${personId}) LIMIT 50`.execute(deps.db);
    allowed = seen.rows.some((r) => canAccessArea(ctx, 'vaccination:read', r.area_path));
  }
  if (!allowed) throw notFound('Person');
  const history = await historyOf(deps, personId);
  await recordAudit(deps.db, ctx, { action: 'vaccination.history.read', entityType: 'person', entityId: personId, areaPath: person.area_path, details: { doses: history.doses.length } });
  return history;
}

/** The signed-in citizen's own history (following merges to the surviving record). Audited. */
export async function myHistory(deps: Deps, ctx: RequestContext) {
  const actor = requireActor(ctx);
  scopePaths(ctx, 'self:read');
  const notLinked = () => new AppError('not_linked', 'Your account is not linked to a person record yet', {}, 404);
  if (!actor.personId) throw notLinked();
  let row = await deps.db.selectFrom('people').select(['id', 'merged_into', sql<string | null>`area_path::text`.as('area_path')]).where('id', '=', actor.personId).executeTakeFirst();
  for (let hops = 0; row?.merged_into && hops < MAX_MERGE_HOPS; hops++) {
    row = await deps.db.selectFrom('people').select(['id', 'merged_into', sql<string | null>`area_path::text`.as('area_path')]).where('id', '=', row.merged_into).executeTakeFirst();
  }
  if (!row || row.merged_into) throw notLinked();
  const history = await historyOf(deps, row.id);
  await recordAudit(deps.db, ctx, { action: 'vaccination.history.read', entityType: 'person', entityId: row.id, areaPath: row.area_path, details: { via: 'self' } });
  return history;
}
