import { sql, type Database, type DB, type Transaction } from '@sen/db';
import { conflict, type CatalogVersion, type DoseEvaluation, type DoseProblem } from '@sen/domain';
import { OBSERVATION_MINUTES } from './sessions-repo';

type Db = Database | Transaction<DB>;

export interface DoseRow {
  id: string;
  person_id: string;
  administered_at: Date | string;
  administered_on: string;
  site_id: string | null;
  session_id: string | null;
  area_path: string;
  person_area_path: string | null;
  product: string;
  vaccine_code: string;
  component: string | null;
  lot_id: string | null;
  lot_number: string | null;
  dose_kind: 'primary' | 'booster';
  dose_number: number;
  completes_series: boolean;
  catalog_version: string;
  override_reason: string | null;
  overridden_problems: string[];
  same_day_override: boolean;
  screening_id: string | null;
  source: 'site' | 'backfill';
  verified: boolean;
  review_status: 'pending' | 'confirmed' | 'rejected';
  backfill_source: string | null;
  evidence_note: string | null;
  place: string | null;
  observation_done_at: Date | string | null;
  observation_outcome: string | null;
  request_hash: string;
  recorded_by: string | null;
  recorded_at: Date | string;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function observationEndsAt(administeredAt: Date | string): Date {
  return new Date(new Date(administeredAt).getTime() + OBSERVATION_MINUTES * 60_000);
}

export function doseView(r: DoseRow) {
  return {
    id: r.id, personId: r.person_id, administeredAt: iso(r.administered_at)!, administeredOn: String(r.administered_on).slice(0, 10), siteId: r.site_id, sessionId: r.session_id,
    product: r.product, vaccineCode: r.vaccine_code, component: r.component, lotId: r.lot_id, lotNumber: r.lot_number, doseKind: r.dose_kind, doseNumber: r.dose_number,
    completesSeries: r.completes_series, catalogVersion: r.catalog_version, overrideReason: r.override_reason, overriddenProblems: r.overridden_problems ?? [],
    source: r.source, verified: r.verified, reviewStatus: r.review_status, backfillSource: r.backfill_source, evidenceNote: r.evidence_note, place: r.place,
    // Backfilled doses were observed (or not) elsewhere, long ago: no timer.
    observationEndsAt: r.source === 'site' ? observationEndsAt(r.administered_at).toISOString() : null,
    observationDoneAt: iso(r.observation_done_at), observationOutcome: r.observation_outcome, recordedAt: iso(r.recorded_at)!, recordedBy: r.recorded_by,
  };
}

export async function findDose(db: Db, id: string): Promise<DoseRow | undefined> {
  const row = await db.selectFrom('doses').selectAll().select([sql<string>`area_path::text`.as('area_path'), sql<string | null>`person_area_path::text`.as('person_area_path'), sql<string>`administered_on::text`.as('administered_on')]).where('id', '=', id).executeTakeFirst();
  return row as unknown as DoseRow | undefined;
}

export interface RuleProblem {
  code: string;
  severity: 'block' | 'warn';
  overridable: boolean;
  vi: string;
  en: string;
}

export function problemOut(p: DoseProblem | RuleProblem): RuleProblem {
  return { code: p.code, severity: p.severity, overridable: p.overridable, vi: p.vi, en: p.en };
}

/**
 * Judges the rule problems of a dose: blocking problems refuse it (409 dose_not_allowed naming each) unless an
 * override reason is given and every blocking problem may be overridden. Returns the codes overridden and the
 * warnings that did not block.
 */
export function judgeProblems(problems: readonly RuleProblem[], overrideReason: string | null) {
  const blocking = problems.filter((p) => p.severity === 'block');
  const warnings = problems.filter((p) => p.severity === 'warn');
  if (blocking.length === 0) return { overridden: [] as string[], warnings, sameDayOverride: false };
  const hard = blocking.filter((p) => !p.overridable);
  if (!overrideReason || hard.length > 0) {
    throw conflict(
      'dose_not_allowed',
      `The dose breaks the rules: ${blocking.map((p) => p.en).join('; ')}${hard.length > 0 ? '' : ' (give override.reason to go ahead)'}`,
      { problems: blocking.map((p) => ({ code: p.code, overridable: p.overridable, vi: p.vi, en: p.en })), overridable: hard.length === 0 },
    );
  }
  return { overridden: blocking.map((p) => p.code), warnings, sameDayOverride: blocking.some((p) => p.code === 'same_day_dose') };
}

/** The fields of a dose that come from the rule evaluation. */
export function evaluationColumns(e: DoseEvaluation, catalog: CatalogVersion) {
  return { dose_kind: e.kind, dose_number: e.doseNumber, completes_series: e.kind === 'primary' && e.seriesComplete && e.doseNumber === e.seriesLength, catalog_version: String(catalog.version) };
}

export function screeningProblem(outcome: string): RuleProblem | null {
  if (outcome === 'defer') return { code: 'screening_defer', severity: 'block', overridable: true, vi: 'Khám sàng lọc: hoãn tiêm', en: 'Screening outcome: defer' };
  if (outcome === 'contraindicated') return { code: 'screening_contraindicated', severity: 'block', overridable: true, vi: 'Khám sàng lọc: chống chỉ định', en: 'Screening outcome: contraindicated' };
  return null;
}
