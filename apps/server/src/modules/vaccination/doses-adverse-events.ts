import { sql } from '@sen/db';
import { AppError, conflict, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { jurisdictionSql, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { findDose } from './doses-repo';
import { cleanNote } from './ledger';
import { requestHash } from './sessions-repo';
import { assertVaccinationAccess } from './vaccination-access';

export interface AdverseEventInput {
  id: string;
  doseId: string;
  onsetAt: string;
  symptoms: string[];
  serious: boolean;
  seriousCriteria?: ('death' | 'life_threatening' | 'hospitalisation' | 'disability')[] | undefined;
  severity: 'mild' | 'moderate' | 'severe';
  outcome: string;
  description?: string | undefined;
}

interface EventRow {
  id: string;
  dose_id: string;
  person_id: string;
  product: string;
  vaccine_code: string;
  site_id: string | null;
  session_id: string | null;
  onset_at: Date;
  symptoms: string[];
  serious: boolean;
  serious_criteria: string[];
  severity: 'mild' | 'moderate' | 'severe';
  outcome: string;
  description: string | null;
  causality: string | null;
  causality_note: string | null;
  causality_set_at: Date | null;
  reported_at: Date;
  request_hash: string;
  area_path: string;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function eventView(r: EventRow, replayed: boolean) {
  return {
    id: r.id, doseId: r.dose_id, personId: r.person_id, product: r.product, vaccineCode: r.vaccine_code, siteId: r.site_id, sessionId: r.session_id,
    onsetAt: iso(r.onset_at)!, symptoms: r.symptoms, serious: r.serious, seriousCriteria: r.serious_criteria as 'death'[], severity: r.severity, outcome: r.outcome as 'unknown', description: r.description,
    causality: r.causality as 'A1' | null, causalityNote: r.causality_note, causalitySetAt: iso(r.causality_set_at), reportedAt: iso(r.reported_at)!, replayed,
  };
}

const selectEvents = (deps: Deps) => deps.db.selectFrom('adverse_events').selectAll().select(sql<string>`area_path::text`.as('area_path'));

/**
 * Records an adverse event following immunisation against a dose in the actor's jurisdiction. Idempotent on the
 * client id (same body: the stored event; another body: 409). Onset may not precede the dose.
 */
export async function recordAdverseEvent(deps: Deps, ctx: RequestContext, input: AdverseEventInput) {
  scopePaths(ctx, 'vaccination:write');
  const dose = await findDose(deps.db, input.doseId);
  if (!dose) throw notFound('Dose', { field: 'doseId' });
  assertVaccinationAccess(ctx, 'vaccination:write', dose.area_path, 'Dose', { field: 'doseId' });
  const hash = requestHash(input);
  const existing = (await selectEvents(deps).where('id', '=', input.id).executeTakeFirst()) as EventRow | undefined;
  if (existing) {
    if (existing.request_hash !== hash) throw conflict('client_id_reused', 'This id was already used for a different adverse event', { field: 'id' });
    return { created: false, event: eventView(existing, true) };
  }
  const onset = new Date(input.onsetAt);
  if (onset.getTime() < new Date(dose.administered_at).getTime() - 60_000 || onset.getTime() > Date.now() + 5 * 60_000) {
    throw new AppError('invalid_onset', 'onsetAt: between the dose and now', { field: 'onsetAt', errors: [{ field: 'onsetAt', message: 'between the dose and now' }] }, 400);
  }
  const criteria = input.seriousCriteria ?? [];
  if (criteria.length > 0 && !input.serious) {
    throw new AppError('invalid_seriousness', 'seriousCriteria: only a serious event has seriousness criteria', { field: 'seriousCriteria', errors: [{ field: 'seriousCriteria', message: 'only a serious event has seriousness criteria' }] }, 400);
  }
  const description = cleanNote(input.description, 'description', 4000);
  const inserted = await deps.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('adverse_events').values({
      id: input.id, dose_id: dose.id, person_id: dose.person_id, product: dose.product, vaccine_code: dose.vaccine_code, area_path: dose.area_path,
      session_id: dose.session_id, site_id: dose.site_id, onset_at: onset, symptoms: input.symptoms, serious: input.serious, serious_criteria: criteria, severity: input.severity,
      outcome: input.outcome, description, request_hash: hash, reported_by: ctx.actor?.userId ?? null,
    }).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
    if (row) await recordAudit(trx, ctx, { action: 'adverse_event.create', entityType: 'person', entityId: dose.person_id, areaPath: dose.area_path, details: { eventId: input.id, doseId: dose.id, serious: input.serious, seriousCriteria: criteria } });
    return row;
  });
  const stored = (await selectEvents(deps).where('id', '=', input.id).executeTakeFirst()) as EventRow;
  if (!inserted && stored.request_hash !== hash) throw conflict('client_id_reused', 'This id was already used for a different adverse event', { field: 'id' });
  return { created: Boolean(inserted), event: eventView(stored, !inserted) };
}

export interface EventsQuery {
  serious?: 'true' | 'false' | undefined;
  pendingCausality?: 'true' | 'false' | undefined;
  personId?: string | undefined;
  limit: number;
  offset: number;
}

/** Adverse events in the actor's vaccination:read jurisdiction, newest first. Audited (health data). */
export async function listAdverseEvents(deps: Deps, ctx: RequestContext, q: EventsQuery) {
  let query = selectEvents(deps).where(jurisdictionSql(ctx, 'vaccination:read', sql`area_path`));
  if (q.serious) query = query.where('serious', '=', q.serious === 'true');
  if (q.pendingCausality) query = query.where('causality', q.pendingCausality === 'true' ? 'is' : 'is not', null);
  if (q.personId) query = query.where('person_id', '=', q.personId);
  const rows = (await query.orderBy('reported_at', 'desc').orderBy('id').limit(q.limit + 1).offset(q.offset).execute()) as EventRow[];
  const page = rows.slice(0, q.limit);
  await recordAudit(deps.db, ctx, { action: 'adverse_event.list', entityType: 'adverse_event', details: { count: page.length, personId: q.personId ?? null } });
  return { items: page.map((r) => eventView(r, false)), hasMore: rows.length > q.limit };
}

/** An investigator's WHO causality class (A1..A4, B1/B2, C, D); may be revised, each change audited. */
export async function setCausality(deps: Deps, ctx: RequestContext, id: string, input: { causality: string; note?: string | undefined }) {
  scopePaths(ctx, 'vaccination:write');
  const row = (await selectEvents(deps).where('id', '=', id).executeTakeFirst()) as EventRow | undefined;
  if (!row) throw notFound('Adverse event');
  assertVaccinationAccess(ctx, 'vaccination:write', row.area_path, 'Adverse event');
  const note = cleanNote(input.note, 'note', 2000);
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('adverse_events').set({ causality: input.causality, causality_note: note, causality_set_at: sql`now()`, causality_set_by: ctx.actor?.userId ?? null }).where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'adverse_event.causality', entityType: 'person', entityId: row.person_id, areaPath: row.area_path, details: { eventId: id, from: row.causality, to: input.causality } });
  });
  return eventView((await selectEvents(deps).where('id', '=', id).executeTakeFirst()) as EventRow, false);
}
