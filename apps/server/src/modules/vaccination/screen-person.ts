import { sql } from '@sen/db';
import { AppError, conflict, screen, screeningRuleSetAt, type ScreeningReason } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { resolvePerson } from './sessions-arrivals';
import { loadSessionFor, requestHash } from './sessions-repo';
import { loadSiteFor } from './sites-repo';

export interface ScreeningInputBody {
  id: string;
  personId: string;
  sessionId?: string | undefined;
  siteId?: string | undefined;
  vaccineCode?: string | undefined;
  screenedAt?: string | undefined;
  vitals: Record<string, number | null | undefined>;
  answers: {
    allergyToVaccine?: boolean | undefined;
    anaphylaxisToPriorDose?: boolean | undefined;
    allergyHistory?: boolean | undefined;
    chronicDisease?: boolean | undefined;
    chronicDiseaseUncontrolled?: boolean | undefined;
    acuteIllness?: boolean | undefined;
    immunosuppressed?: boolean | undefined;
    pregnancyWeeks?: number | null | undefined;
    lastCovidOn?: string | null | undefined;
  };
}

interface ScreeningRow {
  id: string;
  person_id: string;
  session_id: string | null;
  site_id: string | null;
  screened_at: Date;
  rule_set_version: string;
  outcome: 'eligible' | 'caution' | 'defer' | 'contraindicated';
  reasons: string[];
  vitals: unknown;
  answers: unknown;
  request_hash: string;
}

const json = (v: unknown): Record<string, unknown> => (typeof v === 'string' ? JSON.parse(v) : (v as Record<string, unknown>)) ?? {};

/** Reason labels are re-derived from the stored codes with the stored answers, so a replay says the same thing. */
function screeningView(r: ScreeningRow, reasons: readonly ScreeningReason[] | null, replayed: boolean) {
  return {
    id: r.id, personId: r.person_id, sessionId: r.session_id, siteId: r.site_id, screenedAt: new Date(r.screened_at).toISOString(), ruleSetVersion: r.rule_set_version,
    outcome: r.outcome,
    reasons: reasons ? reasons.map((x) => ({ code: x.code, outcome: x.outcome, vi: x.vi, en: x.en })) : r.reasons.map((code) => ({ code, outcome: '', vi: code, en: code })),
    vitals: json(r.vitals), answers: json(r.answers), replayed,
  };
}

function evaluate(input: ScreeningInputBody, on: Date) {
  const a = input.answers;
  const rules = screeningRuleSetAt(on);
  return screen({
    on,
    vitals: input.vitals,
    allergyToVaccine: a.allergyToVaccine, anaphylaxisToPriorDose: a.anaphylaxisToPriorDose, allergyHistory: a.allergyHistory, chronicDisease: a.chronicDisease,
    chronicDiseaseUncontrolled: a.chronicDiseaseUncontrolled, acuteIllness: a.acuteIllness, immunosuppressed: a.immunosuppressed,
    pregnancyWeeks: a.pregnancyWeeks ?? null, lastCovidOn: a.lastCovidOn ? new Date(`${a.lastCovidOn}T00:00:00+07:00`) : null,
  }, rules);
}

/**
 * Records a screening judged by the rule set in force that day (its version is stored with the outcome, reason
 * codes, vitals and answers). Idempotent on the client id: the same id and body answer the stored screening, the
 * same id with another body is 409 client_id_reused. Implausible vitals are 400 naming the field.
 */
export async function recordScreening(deps: Deps, ctx: RequestContext, input: ScreeningInputBody) {
  const hash = requestHash(input);
  const existing = async () => {
    const row = (await deps.db.selectFrom('screenings').selectAll().where('id', '=', input.id).executeTakeFirst()) as ScreeningRow | undefined;
    if (!row) return null;
    if (row.request_hash !== hash) throw conflict('client_id_reused', 'This id was already used for a different screening', { field: 'id' });
    return screeningView(row, null, true);
  };
  // Place first, so an actor outside the site's jurisdiction learns nothing about ids.
  const place = input.sessionId
    ? await loadSessionFor(deps.db, ctx, input.sessionId, 'vaccination:write').then((s) => ({ sessionId: s.id, siteId: s.site_id, areaPath: s.area_path, status: s.status }))
    : await loadSiteFor(deps.db, ctx, input.siteId!, 'vaccination:write').then((s) => ({ sessionId: null, siteId: s.id, areaPath: s.area_path, status: 'open' }));
  if (input.sessionId && input.siteId && input.siteId !== place.siteId) throw new AppError('invalid_site', 'siteId: not the site of the session', { field: 'siteId' }, 400);
  const replay = await existing();
  if (replay) return { created: false, screening: replay };
  if (place.status === 'cancelled') throw conflict('session_not_open', 'The session was cancelled', { status: place.status });
  const person = await resolvePerson(deps, input.personId, undefined);
  const screenedAt = input.screenedAt ? new Date(input.screenedAt) : new Date();
  if (screenedAt.getTime() > Date.now() + 5 * 60_000 || screenedAt.getUTCFullYear() < 2020) {
    throw new AppError('invalid_time', 'screenedAt: give a time from 2020 up to now', { field: 'screenedAt', errors: [{ field: 'screenedAt', message: 'from 2020 up to now' }] }, 400);
  }
  const result = evaluate(input, screenedAt);
  if (result.outcome === 'invalid') {
    const first = result.invalidFields[0]!;
    throw new AppError('invalid_screening', `${first.field}: ${first.en}`, { field: first.field, errors: result.invalidFields.map((f) => ({ field: f.field, message: f.en, vi: f.vi })) }, 400);
  }
  const inserted = await deps.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('screenings').values({
      id: input.id, person_id: person.id, session_id: place.sessionId, site_id: place.siteId, area_path: place.areaPath, screened_at: screenedAt,
      rule_set_version: result.ruleSetVersion, outcome: result.outcome, reasons: result.reasons.map((r) => r.code), vitals: JSON.stringify(input.vitals),
      answers: JSON.stringify(input.answers), vaccine_code: input.vaccineCode ?? null, request_hash: hash, recorded_by: ctx.actor?.userId ?? null,
    }).onConflict((oc) => oc.column('id').doNothing()).returningAll().executeTakeFirst();
    if (row) {
      await recordAudit(trx, ctx, { action: 'screening.create', entityType: 'person', entityId: person.id, areaPath: place.areaPath, details: { screeningId: input.id, outcome: result.outcome, ruleSetVersion: result.ruleSetVersion } });
    }
    return row as ScreeningRow | undefined;
  });
  if (!inserted) {
    const raced = await existing();
    if (raced) return { created: false, screening: raced };
  }
  return { created: true, screening: screeningView(inserted!, result.reasons, false) };
}

/** The latest screening of a person on a Viet Nam day (the dose path reads it when no screening id is given). */
export const latestScreeningSql = (personId: string, day: string) => sql`
  SELECT id, outcome FROM screenings WHERE person_id = ${personId} AND screened_at >= sen_vn_day_start(${day}::date)
    AND screened_at < sen_vn_day_start(${day}::date + 1) ORDER BY screened_at DESC LIMIT 1`;
