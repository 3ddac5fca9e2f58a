import { ageOn, parsePartialDate, type PartialDate } from '../partial-date';
import { addDays, dayToDate, vnDayNumber } from './calendar';
import { catalogAt, findVaccine, mixingAllowed, type CatalogVersion, type DccCodes, type VaccineDefinition } from './catalog';

/**
 * Which dose a person is at, whether the next one may be given, and when their series is complete.
 * Numbering comes from the history in date order, never from a count: "fully vaccinated" compares the dose
 * number with the series length of the product the person started with (AstraZeneca then Pfizer is complete
 * at 2, Janssen at 1, Abdala at 3), and any dose beyond it is a booster.
 */

export interface DoseRecord {
  date: Date;
  vaccine: string;
  /** As recorded; a higher number than the history gives (dose 1 given abroad, not recorded) is trusted. */
  doseNumber?: number | null;
  component?: string | null;
}

export interface ClassifiedDose extends DoseRecord {
  doseNumber: number;
  /** Series length of the product the person started with; null when that product is not in the catalog. */
  seriesLength: number | null;
  kind: 'primary' | 'booster';
  boosterNumber: number | null;
  primaryVaccine: string;
}

export type DoseProblemCode =
  | 'unknown_vaccine'
  | 'unknown_prior_vaccine'
  | 'same_day_dose'
  | 'later_doses_recorded'
  | 'age_unknown'
  | 'birth_date_invalid'
  | 'too_young'
  | 'too_old'
  | 'mixing_not_allowed'
  | 'component_mismatch'
  | 'component_missing'
  | 'too_early'
  | 'earlier_than_recommended'
  | 'booster_not_allowed'
  | 'booster_product_not_allowed'
  | 'booster_limit_reached'
  | 'booster_too_early'
  | 'booster_earlier_than_recommended';

export interface DoseProblem {
  code: DoseProblemCode;
  severity: 'block' | 'warn';
  /** Staff may go ahead with a recorded reason (the caller asks for it). */
  overridable: boolean;
  vi: string;
  en: string;
  details: Record<string, string | number>;
}

export interface NextDue {
  earliest: Date;
  recommended: Date;
  latest: Date | null;
}

export interface DoseEvaluation {
  allowed: boolean;
  doseNumber: number;
  kind: 'primary' | 'booster';
  boosterNumber: number | null;
  seriesLength: number | null;
  /** Whether the primary series is complete once this dose is given. */
  seriesComplete: boolean;
  problems: DoseProblem[];
  /** When the following dose is due if this one is given; null when none is (yet) foreseen by the catalog. */
  nextDue: NextDue | null;
  catalogVersion: number;
}

export interface ProposedDose {
  date: Date;
  vaccine: string;
  component?: string | null;
}

export interface DoseEvaluationInput {
  /** Partial dates count from their earliest possible day ("1990" = 1 January 1990). */
  birthDate?: PartialDate | string | null;
  /** Used when no birth date is given. */
  ageYears?: number | null;
  priorDoses: readonly DoseRecord[];
  proposed: ProposedDose;
}

export interface DoseRuleOptions {
  /** A dose at most this many days short of a minimum interval is blocked but overridable. */
  overridableEarlyDays: number;
}

// The EU DCC accepts a 4-day grace before the minimum interval; the same tolerance for overrides (verify).
export const DEFAULT_DOSE_RULE_OPTIONS: DoseRuleOptions = { overridableEarlyDays: 4 };

function byDate(a: DoseRecord, b: DoseRecord): number {
  return a.date.getTime() - b.date.getTime();
}

/** Numbers a history in date order and tells primary doses from boosters. */
export function classifyDoses(doses: readonly DoseRecord[], catalog: CatalogVersion): ClassifiedDose[] {
  const sorted = [...doses].sort(byDate);
  const first = sorted[0];
  if (!first) return [];
  const seriesLength = findVaccine(catalog, first.vaccine)?.seriesDoses ?? null;
  let previous = 0;
  return sorted.map((d) => {
    const doseNumber = Math.max(previous + 1, d.doseNumber ?? 0);
    previous = doseNumber;
    const booster = seriesLength !== null && doseNumber > seriesLength;
    return {
      ...d,
      doseNumber,
      seriesLength,
      kind: booster ? 'booster' : 'primary',
      boosterNumber: booster ? doseNumber - seriesLength : null,
      primaryVaccine: first.vaccine,
    };
  });
}

function problem(
  code: DoseProblemCode,
  severity: 'block' | 'warn',
  vi: string,
  en: string,
  details: Record<string, string | number> = {},
  overridable = severity === 'warn',
): DoseProblem {
  return { code, severity, overridable, vi, en, details };
}

function resolveAge(input: DoseEvaluationInput, on: Date, problems: DoseProblem[]): number | null {
  const b = input.birthDate;
  const day = dayToDate(vnDayNumber(on));
  if (b !== undefined && b !== null) {
    const parsed = typeof b === 'string' ? parsePartialDate(b, new Date(8.64e15)) : b;
    if (parsed) return ageOn(parsed, day);
    problems.push(problem('birth_date_invalid', 'warn', 'Ngày sinh không hợp lệ', 'Invalid birth date', { birthDate: String(b) }));
  }
  if (typeof input.ageYears === 'number' && Number.isFinite(input.ageYears)) return input.ageYears;
  problems.push(problem('age_unknown', 'warn', 'Không rõ tuổi, kiểm tra trước khi tiêm', 'Age unknown: check before injecting'));
  return null;
}

function checkAge(age: number | null, min: number, max: number | null, name: { vi: string; en: string }, problems: DoseProblem[]): void {
  if (age === null) return;
  if (age < min) {
    problems.push(problem('too_young', 'block', `Chưa đủ ${min} tuổi để tiêm ${name.vi}`, `Under ${min}, the minimum age for ${name.en}`, { age, minAge: min }));
  }
  if (max !== null && age > max) {
    problems.push(problem('too_old', 'block', `Trên ${max} tuổi, không tiêm ${name.vi}`, `Over ${max}, the maximum age for ${name.en}`, { age, maxAge: max }));
  }
}

function checkInterval(
  days: number,
  min: number,
  recommended: number,
  booster: boolean,
  options: DoseRuleOptions,
  problems: DoseProblem[],
): void {
  if (days < min) {
    const shortBy = min - days;
    problems.push(
      problem(
        booster ? 'booster_too_early' : 'too_early',
        'block',
        `Chưa đủ khoảng cách tối thiểu ${min} ngày (mới ${days} ngày)`,
        `Only ${days} days since the last dose; the minimum is ${min}`,
        { days, minDays: min },
        shortBy <= options.overridableEarlyDays,
      ),
    );
  } else if (days < recommended) {
    problems.push(
      problem(
        booster ? 'booster_earlier_than_recommended' : 'earlier_than_recommended',
        'warn',
        `Sớm hơn khoảng cách khuyến cáo ${recommended} ngày (mới ${days} ngày)`,
        `${days} days since the last dose, earlier than the recommended ${recommended}`,
        { days, recommendedDays: recommended },
      ),
    );
  }
}

/**
 * Whether the proposed dose may be given. By default it is judged by the catalog in force on its own date,
 * so a dose of June 2021 keeps the June 2021 rules when recorded later. Only doses up to its day count;
 * doses recorded after it (backfill out of order) are reported, since their numbers would shift.
 */
export function evaluateDose(
  input: DoseEvaluationInput,
  catalog: CatalogVersion = catalogAt(input.proposed.date),
  options: DoseRuleOptions = DEFAULT_DOSE_RULE_OPTIONS,
): DoseEvaluation {
  const { proposed } = input;
  const problems: DoseProblem[] = [];
  const day = vnDayNumber(proposed.date);
  // A dose already recorded that day counts in the history: the proposed one would be the next number.
  const before = input.priorDoses.filter((d) => vnDayNumber(d.date) <= day);
  const sameDay = before.filter((d) => vnDayNumber(d.date) === day);
  const later = input.priorDoses.filter((d) => vnDayNumber(d.date) > day);

  const history = classifyDoses(before, catalog);
  const last = history[history.length - 1];
  const firstDose = history[0];
  const product = findVaccine(catalog, proposed.vaccine);
  const primaryProduct = firstDose ? findVaccine(catalog, firstDose.vaccine) : product;
  const doseNumber = (last?.doseNumber ?? 0) + 1;
  const seriesLength = primaryProduct?.seriesDoses ?? null;
  const booster = seriesLength !== null && doseNumber > seriesLength;
  const boosterNumber = booster ? doseNumber - seriesLength : null;

  if (!product) {
    problems.push(problem('unknown_vaccine', 'block', `Vắc xin "${proposed.vaccine}" không có trong danh mục`, `Vaccine "${proposed.vaccine}" is not in the catalog`, { vaccine: proposed.vaccine }));
  }
  for (const d of history) {
    if (!findVaccine(catalog, d.vaccine)) {
      problems.push(problem('unknown_prior_vaccine', 'block', `Mũi đã tiêm có vắc xin "${d.vaccine}" không có trong danh mục`, `A prior dose's vaccine "${d.vaccine}" is not in the catalog`, { vaccine: d.vaccine }));
    }
  }
  // A second dose the same day is blocked, but a reason may go past it (an injection that failed and was repeated);
  // the interval to that same-day dose is then not judged again.
  if (sameDay.length > 0) {
    problems.push(problem('same_day_dose', 'block', 'Đã tiêm một mũi trong cùng ngày', 'A dose was already given on the same day', {}, true));
  }
  const sinceLast = last && sameDay.length === 0 ? day - vnDayNumber(last.date) : null;
  if (later.length > 0) {
    problems.push(problem('later_doses_recorded', 'warn', 'Có mũi tiêm sau ngày này đã được ghi nhận', 'Doses after this date are already recorded', { count: later.length }));
  }

  const age = resolveAge(input, proposed.date, problems);
  if (product) checkAge(age, product.minAgeYears, product.maxAgeYears, { vi: product.nameVi, en: product.nameEn }, problems);

  if (product && primaryProduct && !booster) {
    if (firstDose && !mixingAllowed(catalog, firstDose.vaccine, product.code)) {
      problems.push(
        problem('mixing_not_allowed', 'block', `Không được tiêm ${product.nameVi} sau mũi đầu ${primaryProduct.nameVi}`, `${product.nameEn} may not follow a first dose of ${primaryProduct.nameEn}`, {
          first: primaryProduct.code,
          proposed: product.code,
        }),
      );
    }
    const expected = product.components?.[doseNumber - 1];
    if (expected !== undefined) {
      const given = proposed.component ?? null;
      if (given === null) {
        problems.push(problem('component_missing', 'warn', `Cần ghi thành phần ${expected} cho mũi ${doseNumber}`, `Dose ${doseNumber} should be component ${expected}; none recorded`, { expected }));
      } else if (given !== expected) {
        problems.push(problem('component_mismatch', 'block', `Mũi ${doseNumber} phải là thành phần ${expected}, không phải ${given}`, `Dose ${doseNumber} must be component ${expected}, not ${given}`, { expected, given }));
      }
    }
    // A mixed schedule keeps the interval of the product that primed it.
    if (sinceLast !== null) checkInterval(sinceLast, primaryProduct.minIntervalDays, primaryProduct.recommendedIntervalDays, false, options, problems);
  }

  const rule = catalog.booster;
  if (product && booster && boosterNumber !== null) {
    if (!rule) {
      problems.push(problem('booster_not_allowed', 'block', 'Chưa cho phép tiêm mũi nhắc lại theo quy định hiện hành', 'Booster doses are not allowed under the rules in force', { catalogVersion: catalog.version }));
    } else {
      if (!rule.products.includes(product.code)) {
        problems.push(problem('booster_product_not_allowed', 'block', `Không dùng ${product.nameVi} cho mũi nhắc lại`, `${product.nameEn} may not be used as a booster`, { proposed: product.code }));
      }
      if (boosterNumber > rule.maxBoosters) {
        problems.push(problem('booster_limit_reached', 'block', `Đã đủ ${rule.maxBoosters} mũi nhắc lại`, `Already had the ${rule.maxBoosters} booster(s) allowed`, { maxBoosters: rule.maxBoosters }));
      }
      checkAge(age, rule.minAgeYears, null, { vi: 'mũi nhắc lại', en: 'a booster' }, problems);
      if (sinceLast !== null) checkInterval(sinceLast, rule.minIntervalDays, rule.recommendedIntervalDays, true, options, problems);
    }
  }

  const seriesComplete = seriesLength !== null && doseNumber >= seriesLength;
  return {
    allowed: !problems.some((p) => p.severity === 'block'),
    doseNumber,
    kind: booster ? 'booster' : 'primary',
    boosterNumber,
    seriesLength,
    seriesComplete,
    problems,
    nextDue: nextDue(proposed.date, doseNumber, seriesLength, boosterNumber ?? 0, primaryProduct, catalog),
    catalogVersion: catalog.version,
  };
}

function nextDue(
  date: Date,
  doseNumber: number,
  seriesLength: number | null,
  boostersAfter: number,
  primary: VaccineDefinition | undefined,
  catalog: CatalogVersion,
): NextDue | null {
  if (seriesLength === null || !primary) return null;
  if (doseNumber < seriesLength) {
    return {
      earliest: addDays(date, primary.minIntervalDays),
      recommended: addDays(date, primary.recommendedIntervalDays),
      latest: addDays(date, primary.recommendedIntervalMaxDays),
    };
  }
  const rule = catalog.booster;
  if (!rule || boostersAfter >= rule.maxBoosters) return null;
  return { earliest: addDays(date, rule.minIntervalDays), recommended: addDays(date, rule.recommendedIntervalDays), latest: null };
}

export interface VaccinationStatus {
  dosesReceived: number;
  primaryVaccine: string | null;
  seriesLength: number | null;
  primaryComplete: boolean;
  /** Day of the dose that completed the primary series. */
  completedOn: Date | null;
  boosters: number;
  lastDoseOn: Date | null;
}

/** The person's status on a day, counting only doses given on or before it. */
export function vaccinationStatus(doses: readonly DoseRecord[], catalog: CatalogVersion, on: Date): VaccinationStatus {
  const day = vnDayNumber(on);
  const history = classifyDoses(
    doses.filter((d) => vnDayNumber(d.date) <= day),
    catalog,
  );
  const completing = history.find((d) => d.seriesLength !== null && d.doseNumber >= d.seriesLength);
  const last = history[history.length - 1];
  return {
    dosesReceived: history.length,
    primaryVaccine: history[0]?.vaccine ?? null,
    seriesLength: history[0]?.seriesLength ?? null,
    primaryComplete: completing !== undefined,
    completedOn: completing ? dayToDate(vnDayNumber(completing.date)) : null,
    boosters: history.filter((d) => d.kind === 'booster').length,
    lastDoseOn: last ? dayToDate(vnDayNumber(last.date)) : null,
  };
}

/**
 * Primary series complete on `on`; `minDaysSinceCompletion` expresses checkpoint rules such as
 * "2 doses and 14 days" (14) without changing what "fully vaccinated" means.
 */
export function isFullyVaccinated(
  doses: readonly DoseRecord[],
  catalog: CatalogVersion,
  on: Date,
  options: { minDaysSinceCompletion?: number } = {},
): boolean {
  const status = vaccinationStatus(doses, catalog, on);
  if (!status.completedOn) return false;
  return vnDayNumber(on) - vnDayNumber(status.completedOn) >= (options.minDaysSinceCompletion ?? 0);
}

/** SNOMED CT code of COVID-19, the DCC `tg` (targeted disease). */
export const DCC_TARGET_COVID19 = '840539006';

export interface EuDoseEncoding extends DccCodes {
  tg: string;
  dn: number;
  sd: number;
}

/**
 * The DCC vaccination entry codes for a classified dose; null when its product or series is unknown. Primary doses
 * are dn/series (1/2, 2/2, 1/1, 3/3). Boosters follow the eHealth Network encoding in force since Commission
 * Implementing Decision (EU) 2021/2301 (the EU vector LT 1.json is a Comirnaty 3/3 booster): after a series of two or
 * more doses sd = dn (3/3, then 4/4), so a booster is never read as a partial series; after a single-dose series sd
 * stays 1 (2/1, then 3/1 (verify)), so it is never read as a completed two-dose series.
 */
export function euDoseEncoding(dose: Pick<ClassifiedDose, 'vaccine' | 'doseNumber' | 'seriesLength' | 'kind'>, catalog: CatalogVersion): EuDoseEncoding | null {
  const product = findVaccine(catalog, dose.vaccine);
  if (!product || dose.seriesLength === null) return null;
  const booster = dose.kind === 'booster';
  const sd = booster && dose.seriesLength > 1 ? dose.doseNumber : dose.seriesLength;
  return { tg: DCC_TARGET_COVID19, ...product.dcc, dn: dose.doseNumber, sd };
}
