import { sql } from '@sen/db';
import { AppError, conflict, evaluateDose, forbidden, notFound, vnDayOf, vnToday, type DoseRecord } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, jurisdictionSql, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { queueCertificateReissue } from '../certificates/reissue-after-correction';
import { doseView, findDose, judgeProblems, problemOut, type DoseRow } from './doses-repo';
import { cleanNote } from './ledger';
import { insertDoseWithAudit } from './record-dose';
import { resolvePerson } from './sessions-arrivals';
import { catalogFor, productOf, requestHash } from './sessions-repo';
import { loadSiteFor } from './sites-repo';
import { assertVaccinationAccess } from './vaccination-access';

export interface BackfillInput {
  id: string;
  personId: string;
  vaccineCode: string;
  administeredOn: string;
  doseNumber?: number | undefined;
  component?: string | undefined;
  lotNumber?: string | undefined;
  siteId?: string | undefined;
  place?: string | undefined;
  source: string;
  evidenceNote: string;
  override?: { reason: string } | undefined;
}

const field400 = (code: string, field: string, message: string) => new AppError(code, `${field}: ${message}`, { field, errors: [{ field, message }] }, 400);

/**
 * Records a dose given earlier or elsewhere and never entered (the seeds' "vaccinated but not yet updated"): source
 * and evidence are required, and the dose stays unverified (review_status pending) until another user with
 * vaccination:write confirms it. It counts in the person's history at once (so their next dose is numbered right),
 * and is judged by the catalog in force on its own day. What happened cannot be refused as a rule breach the way
 * a dose about to be given is: every blocking problem may be recorded with override.reason, for the reviewer.
 */
export async function recordBackfill(deps: Deps, ctx: RequestContext, input: BackfillInput) {
  scopePaths(ctx, 'vaccination:write');
  const hash = requestHash(input);
  const site = input.siteId ? await loadSiteFor(deps.db, ctx, input.siteId, 'vaccination:write') : null;
  const person = await resolvePerson(deps, input.personId, undefined);
  const areaPath = site?.area_path ?? person.area_path;
  if (!site && (!person.area_path || !canAccessArea(ctx, 'vaccination:write', person.area_path))) {
    if (person.area_path && canAccessArea(ctx, 'vaccination:read', person.area_path)) throw forbidden('This person lives outside your jurisdiction', { scope: 'vaccination:write' });
    throw notFound('Person', { field: 'personId' });
  }
  const existing = await findDose(deps.db, input.id);
  if (existing) {
    if (existing.request_hash !== hash) throw conflict('client_id_reused', 'This id was already used for a different dose', { field: 'id' });
    return { created: false, dose: { ...doseView(existing), replayed: true, warnings: [] } };
  }
  const at = new Date(`${input.administeredOn}T12:00:00+07:00`);
  if (Number.isNaN(at.getTime()) || vnDayOf(at) !== input.administeredOn) throw field400('invalid_date', 'administeredOn', 'Not a real date');
  if (input.administeredOn > vnToday() || input.administeredOn < '2020-01-01') throw field400('invalid_date', 'administeredOn', 'From 2020 up to today');
  const catalog = await catalogFor(deps.db, at);
  const product = productOf(catalog, input.vaccineCode);
  if (!product) throw field400('unknown_vaccine', 'vaccineCode', `"${input.vaccineCode}" is not in the vaccine catalog of that day`);
  const source = cleanNote(input.source, 'source', 500);
  const evidence = cleanNote(input.evidenceNote, 'evidenceNote', 2000);
  if (!source) throw field400('invalid_text', 'source', 'Say where the record comes from');
  if (!evidence) throw field400('invalid_text', 'evidenceNote', 'Say what evidence was seen');
  const place = cleanNote(input.place, 'place', 500);
  const lotNumber = cleanNote(input.lotNumber, 'lotNumber', 60);
  const lot = lotNumber
    ? await deps.db.selectFrom('vaccine_lots').select(['id', 'lot_number']).where('vaccine_code', '=', input.vaccineCode).where('lot_number', '=', lotNumber).executeTakeFirst()
    : undefined;
  const personRow = await deps.db.selectFrom('people').select('birth_date').where('id', '=', person.id).executeTakeFirstOrThrow();
  const history = await deps.db.selectFrom('doses').select(['administered_at', 'vaccine_code', 'dose_number', 'component'])
    .where('person_id', '=', person.id).where('review_status', '<>', 'rejected').orderBy('administered_at').execute();
  const prior: DoseRecord[] = history.map((h) => ({ date: new Date(h.administered_at), vaccine: h.vaccine_code, doseNumber: h.dose_number, component: h.component }));
  const evaluation = evaluateDose({ birthDate: personRow.birth_date, priorDoses: prior, proposed: { date: at, vaccine: input.vaccineCode, component: input.component ?? null } }, catalog);
  const problems = evaluation.problems.map((p) => ({ ...problemOut(p), overridable: true }));
  const overrideReason = input.override ? cleanNote(input.override.reason, 'override.reason') : null;
  const judged = judgeProblems(problems, overrideReason);
  const doseNumber = Math.max(evaluation.doseNumber, input.doseNumber ?? 0);
  const seriesLength = evaluation.seriesLength;
  const booster = seriesLength !== null && doseNumber > seriesLength;

  const row: DoseRow = {
    id: input.id, person_id: person.id, administered_at: at, administered_on: input.administeredOn, site_id: site?.id ?? null, session_id: null, area_path: areaPath!,
    person_area_path: person.area_path, product, vaccine_code: input.vaccineCode, component: input.component ?? null, lot_id: lot?.id ?? null,
    lot_number: lotNumber, dose_kind: booster ? 'booster' : 'primary', dose_number: doseNumber,
    completes_series: !booster && seriesLength !== null && doseNumber === seriesLength, catalog_version: String(catalog.version),
    override_reason: judged.overridden.length > 0 ? overrideReason : null, overridden_problems: judged.overridden, same_day_override: judged.sameDayOverride,
    screening_id: null, source: 'backfill', verified: false, review_status: 'pending', backfill_source: source, evidence_note: evidence, place,
    observation_done_at: null, observation_outcome: null, request_hash: hash, recorded_by: ctx.actor?.userId ?? null, recorded_at: new Date(),
  };
  let inserted: boolean;
  try {
    inserted = await insertDoseWithAudit(deps, ctx, row, 'dose.backfill');
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    if (e?.code === '23505' && e.constraint === 'doses_one_per_day') {
      throw conflict('dose_not_allowed', 'A dose is already recorded for this person that day', { problems: [{ code: 'same_day_dose', overridable: true }], overridable: true });
    }
    throw err;
  }
  if (!inserted) {
    const raced = (await findDose(deps.db, input.id))!;
    if (raced.request_hash !== hash) throw conflict('client_id_reused', 'This id was already used for a different dose', { field: 'id' });
    return { created: false, dose: { ...doseView(raced), replayed: true, warnings: [] } };
  }
  return { created: true, dose: { ...doseView(row), replayed: false, warnings: judged.warnings } };
}

/** Confirms or rejects a backfilled dose. The reviewer holds vaccination:write where it is and is not its recorder. */
export async function reviewBackfill(deps: Deps, ctx: RequestContext, id: string, input: { decision: 'confirm' | 'reject'; note?: string | undefined }) {
  scopePaths(ctx, 'vaccination:write');
  const note = cleanNote(input.note, 'note');
  if (input.decision === 'reject' && !note) throw field400('reason_required', 'note', 'Say why the dose is rejected');
  const personId = await deps.db.transaction().execute(async (trx) => {
    const dose = await trx.selectFrom('doses').select(['id', 'person_id', 'source', 'review_status', 'recorded_by', sql<string>`area_path::text`.as('area_path')]).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!dose || dose.source !== 'backfill') throw notFound('Backfilled dose');
    assertVaccinationAccess(ctx, 'vaccination:write', dose.area_path, 'Backfilled dose');
    // Its own code (not plain forbidden) so the reviewer's screen can say exactly why.
    if (dose.recorded_by === ctx.actor?.userId) throw new AppError('self_review', 'Someone other than the recorder must review a backfilled dose', {}, 403);
    if (dose.review_status !== 'pending') throw conflict('already_reviewed', `This dose was already ${dose.review_status}`, { reviewStatus: dose.review_status });
    const confirmed = input.decision === 'confirm';
    await trx.updateTable('doses').set({ review_status: confirmed ? 'confirmed' : 'rejected', verified: confirmed, reviewed_by: ctx.actor?.userId ?? null, reviewed_at: sql`now()`, review_note: note })
      .where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: confirmed ? 'dose.backfill.confirm' : 'dose.backfill.reject', entityType: 'person', entityId: dose.person_id, areaPath: dose.area_path, details: { doseId: id } });
    return dose.person_id;
  });
  // A rejected dose may have raised the numbers certificates carry: re-issue them once the rejection is committed.
  if (input.decision === 'reject') await queueCertificateReissue(deps, personId, 'dose_rejected');
  return { ...doseView((await findDose(deps.db, id))!), replayed: false, warnings: [] };
}

/** Backfilled doses waiting for review in the actor's jurisdiction, oldest first, with whose they are. Audited (health data). */
export async function listUnverified(deps: Deps, ctx: RequestContext, q: { limit: number; offset: number }) {
  const rows = await deps.db.selectFrom('doses').selectAll()
    .select([sql<string>`area_path::text`.as('area_path'), sql<string | null>`person_area_path::text`.as('person_area_path'), sql<string>`administered_on::text`.as('administered_on')])
    .select(sql<string>`(SELECT p.full_name FROM people p WHERE p.id = doses.person_id)`.as('full_name'))
    .where('review_status', '=', 'pending')
    .where(jurisdictionSql(ctx, 'vaccination:read', sql`area_path`))
    .orderBy('recorded_at').orderBy('id').limit(q.limit + 1).offset(q.offset).execute();
  const page = rows.slice(0, q.limit) as unknown as (DoseRow & { full_name: string })[];
  await recordAudit(deps.db, ctx, { action: 'dose.backfill.list', entityType: 'dose', details: { count: page.length } });
  return { items: page.map((r) => ({ ...doseView(r), fullName: r.full_name, replayed: false, warnings: [] })), hasMore: rows.length > q.limit };
}
