import { addMonths, isoDay, vnDayNumber } from './calendar';

/**
 * Screening before injection (Decisions 2995/QĐ-BYT and 3445/QĐ-BYT, 2021). Four outcomes, the most severe
 * finding wins. Thresholds are data in a versioned rule set and each result names the version that decided,
 * since the Ministry changed the rules several times during the campaign.
 */

export type ScreeningOutcome = 'eligible' | 'caution' | 'defer' | 'contraindicated';

/** Least to most severe. */
export const SCREENING_OUTCOMES: readonly ScreeningOutcome[] = ['eligible', 'caution', 'defer', 'contraindicated'];

export type VitalName = 'temperatureC' | 'pulse' | 'systolic' | 'diastolic' | 'respiratoryRate';

/** Normal when low <= value <= high; a bound of null is not checked. */
export interface Band {
  low: number | null;
  high: number | null;
}

export interface ScreeningRuleSet {
  version: string;
  validFrom: string;
  source: string;
  /** Outside these bands a vital sign means "caution". */
  normalVitals: Record<VitalName, Band>;
  /** Outside these a value is a typing error, not a patient. */
  plausibleVitals: Record<VitalName, { min: number; max: number }>;
  /** COVID-19 within this many months defers the dose. */
  covidDeferralMonths: number;
  /** Pregnancy below this many weeks defers; from it, caution. */
  pregnancyDeferBelowWeeks: number;
  maxPregnancyWeeks: number;
}

export const SCREENING_RULE_SETS: readonly ScreeningRuleSet[] = [
  {
    version: 'byt-3445-2021',
    validFrom: '2021-07-13',
    source: 'Decision 2995/QĐ-BYT (18 June 2021) as amended by 3445/QĐ-BYT (13 July 2021) (verify dates)',
    normalVitals: {
      temperatureC: { low: 35.5, high: 37.5 },
      pulse: { low: 60, high: 100 },
      systolic: { low: 90, high: 140 },
      diastolic: { low: 60, high: 90 },
      respiratoryRate: { low: null, high: 25 },
    },
    plausibleVitals: {
      temperatureC: { min: 30, max: 45 },
      pulse: { min: 20, max: 250 },
      systolic: { min: 50, max: 280 },
      diastolic: { min: 20, max: 180 },
      respiratoryRate: { min: 4, max: 80 },
    },
    covidDeferralMonths: 6,
    pregnancyDeferBelowWeeks: 13,
    maxPregnancyWeeks: 45,
  },
];

/** The rule set in force on a date; before the first one, the first one. */
export function screeningRuleSetAt(date: Date, sets: readonly ScreeningRuleSet[] = SCREENING_RULE_SETS): ScreeningRuleSet {
  const sorted = [...sets].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  const first = sorted[0];
  if (!first) throw new Error('screeningRuleSetAt: no rule sets'); // a programming error, not an input error
  let found = first;
  for (const s of sorted) if (vnDayNumber(isoDay(s.validFrom)) <= vnDayNumber(date)) found = s;
  return found;
}

export interface ScreeningInput {
  /** Day of the screening; "COVID-19 in the last 6 months" counts back from it. */
  on: Date;
  vitals: Partial<Record<VitalName, number | null>>;
  /** Known allergy to a component of the vaccine to be given. */
  allergyToVaccine?: boolean;
  /** Anaphylaxis or severe allergic reaction after a prior dose of the same vaccine. */
  anaphylaxisToPriorDose?: boolean;
  /** Any other allergy (food, drugs, other vaccines). */
  allergyHistory?: boolean;
  chronicDisease?: boolean;
  /** A chronic disease that is progressing or uncontrolled defers, as an acute illness does. */
  chronicDiseaseUncontrolled?: boolean;
  acuteIllness?: boolean;
  immunosuppressed?: boolean;
  /** Weeks of pregnancy; null or absent when not pregnant. */
  pregnancyWeeks?: number | null;
  /** Day of the last COVID-19 diagnosis, if any. */
  lastCovidOn?: Date | null;
}

export type ScreeningReasonCode =
  | 'allergy_to_vaccine'
  | 'anaphylaxis_prior_dose'
  | 'recent_covid'
  | 'acute_illness'
  | 'chronic_disease_uncontrolled'
  | 'pregnancy_early'
  | 'pregnancy'
  | 'allergy_history'
  | 'chronic_disease'
  | 'immunosuppressed'
  | `abnormal_${VitalName}`;

export interface ScreeningReason {
  code: ScreeningReasonCode;
  outcome: Exclude<ScreeningOutcome, 'eligible'>;
  vi: string;
  en: string;
}

export interface InvalidField {
  field: string;
  vi: string;
  en: string;
}

export type ScreeningResult =
  | { outcome: ScreeningOutcome; reasons: ScreeningReason[]; ruleSetVersion: string }
  | { outcome: 'invalid'; invalidFields: InvalidField[]; reasons: []; ruleSetVersion: string };

const VITAL_LABELS: Record<VitalName, { vi: string; en: string; unit: string }> = {
  temperatureC: { vi: 'Nhiệt độ', en: 'Temperature', unit: '°C' },
  pulse: { vi: 'Mạch', en: 'Pulse', unit: '/min' },
  systolic: { vi: 'Huyết áp tâm thu', en: 'Systolic blood pressure', unit: 'mmHg' },
  diastolic: { vi: 'Huyết áp tâm trương', en: 'Diastolic blood pressure', unit: 'mmHg' },
  respiratoryRate: { vi: 'Nhịp thở', en: 'Breathing rate', unit: '/min' },
};

const VITAL_NAMES = Object.keys(VITAL_LABELS) as VitalName[];

function validate(input: ScreeningInput, rules: ScreeningRuleSet): InvalidField[] {
  const invalid: InvalidField[] = [];
  for (const name of VITAL_NAMES) {
    const value = input.vitals[name];
    if (value === undefined || value === null) continue;
    const range = rules.plausibleVitals[name];
    if (!Number.isFinite(value) || value < range.min || value > range.max) {
      const label = VITAL_LABELS[name];
      invalid.push({
        field: `vitals.${name}`,
        vi: `${label.vi} phải trong khoảng ${range.min}–${range.max} ${label.unit}`,
        en: `${label.en} must be between ${range.min} and ${range.max} ${label.unit}`,
      });
    }
  }
  const { systolic, diastolic } = input.vitals;
  if (typeof systolic === 'number' && typeof diastolic === 'number' && diastolic >= systolic) {
    invalid.push({ field: 'vitals.diastolic', vi: 'Huyết áp tâm trương phải thấp hơn tâm thu', en: 'Diastolic pressure must be below systolic' });
  }
  const weeks = input.pregnancyWeeks;
  if (weeks !== undefined && weeks !== null && (!Number.isFinite(weeks) || weeks < 0 || weeks > rules.maxPregnancyWeeks)) {
    invalid.push({ field: 'pregnancyWeeks', vi: `Số tuần thai phải trong khoảng 0–${rules.maxPregnancyWeeks}`, en: `Pregnancy weeks must be between 0 and ${rules.maxPregnancyWeeks}` });
  }
  if (Number.isNaN(input.on.getTime())) invalid.push({ field: 'on', vi: 'Ngày khám không hợp lệ', en: 'Invalid screening date' });
  const covid = input.lastCovidOn;
  if (covid && (Number.isNaN(covid.getTime()) || vnDayNumber(covid) > vnDayNumber(input.on))) {
    invalid.push({ field: 'lastCovidOn', vi: 'Ngày mắc COVID-19 không được sau ngày khám', en: 'COVID-19 date cannot be after the screening' });
  }
  return invalid;
}

function outside(value: number, band: Band): boolean {
  return (band.low !== null && value < band.low) || (band.high !== null && value > band.high);
}

export function screen(input: ScreeningInput, rules: ScreeningRuleSet = screeningRuleSetAt(input.on)): ScreeningResult {
  const invalidFields = validate(input, rules);
  if (invalidFields.length > 0) return { outcome: 'invalid', invalidFields, reasons: [], ruleSetVersion: rules.version };

  const reasons: ScreeningReason[] = [];
  const add = (code: ScreeningReasonCode, outcome: ScreeningReason['outcome'], vi: string, en: string) => reasons.push({ code, outcome, vi, en });

  if (input.allergyToVaccine) add('allergy_to_vaccine', 'contraindicated', 'Dị ứng với thành phần của vắc xin', 'Allergic to a component of the vaccine');
  if (input.anaphylaxisToPriorDose) add('anaphylaxis_prior_dose', 'contraindicated', 'Phản vệ sau mũi tiêm trước của cùng loại vắc xin', 'Anaphylaxis after a prior dose of the same vaccine');

  if (input.lastCovidOn && vnDayNumber(input.on) < vnDayNumber(addMonths(input.lastCovidOn, rules.covidDeferralMonths))) {
    add('recent_covid', 'defer', `Mắc COVID-19 trong vòng ${rules.covidDeferralMonths} tháng`, `COVID-19 within the last ${rules.covidDeferralMonths} months`);
  }
  if (input.acuteIllness) add('acute_illness', 'defer', 'Đang mắc bệnh cấp tính', 'Acute illness');
  if (input.chronicDiseaseUncontrolled) add('chronic_disease_uncontrolled', 'defer', 'Bệnh mạn tính đang tiến triển', 'Chronic disease progressing or uncontrolled');
  const weeks = input.pregnancyWeeks;
  if (weeks !== undefined && weeks !== null) {
    if (weeks < rules.pregnancyDeferBelowWeeks) {
      add('pregnancy_early', 'defer', `Mang thai dưới ${rules.pregnancyDeferBelowWeeks} tuần`, `Pregnant, under ${rules.pregnancyDeferBelowWeeks} weeks`);
    } else {
      add('pregnancy', 'caution', `Mang thai từ ${rules.pregnancyDeferBelowWeeks} tuần`, `Pregnant, ${rules.pregnancyDeferBelowWeeks} weeks or more`);
    }
  }

  if (input.allergyHistory) add('allergy_history', 'caution', 'Tiền sử dị ứng', 'History of allergy');
  if (input.chronicDisease) add('chronic_disease', 'caution', 'Mắc bệnh mạn tính', 'Chronic disease');
  if (input.immunosuppressed) add('immunosuppressed', 'caution', 'Suy giảm miễn dịch', 'Immunosuppressed');
  for (const name of VITAL_NAMES) {
    const value = input.vitals[name];
    if (value === undefined || value === null || !outside(value, rules.normalVitals[name])) continue;
    const label = VITAL_LABELS[name];
    add(`abnormal_${name}`, 'caution', `${label.vi} bất thường: ${value} ${label.unit}`, `Abnormal ${label.en.toLowerCase()}: ${value} ${label.unit}`);
  }

  let outcome: ScreeningOutcome = 'eligible';
  for (const r of reasons) if (SCREENING_OUTCOMES.indexOf(r.outcome) > SCREENING_OUTCOMES.indexOf(outcome)) outcome = r.outcome;
  return { outcome, reasons, ruleSetVersion: rules.version };
}
