/**
 * Health declarations (issue 5): code lists shown to the declarant, and the warning rules that decide whether a
 * declaration raises an alert for the commune's tracing team. Pure functions: the server gathers the facts (area
 * paths, risk areas in force) and stores the rule version with each declaration.
 */

export const DECLARATION_RULE_VERSION = 'declarations-2026.1';

export const DECLARATION_KINDS = ['daily', 'domestic_travel', 'entry'] as const;
export type DeclarationKind = (typeof DECLARATION_KINDS)[number];

export interface CodeLabel {
  code: string;
  vi: string;
  en: string;
}

/** Symptoms a declarant ticks. `warning` marks those the Ministry of Health lists as warning signs. */
export const SYMPTOMS = [
  { code: 'fever', vi: 'Sốt', en: 'Fever', warning: true },
  { code: 'cough', vi: 'Ho', en: 'Cough', warning: true },
  { code: 'breathlessness', vi: 'Khó thở', en: 'Shortness of breath', warning: true },
  { code: 'loss_of_taste_smell', vi: 'Mất vị giác hoặc khứu giác', en: 'Loss of taste or smell', warning: true },
  { code: 'sore_throat', vi: 'Đau họng', en: 'Sore throat', warning: true },
  { code: 'chest_pain', vi: 'Đau tức ngực', en: 'Chest pain or pressure', warning: true },
  { code: 'fatigue', vi: 'Mệt mỏi', en: 'Tiredness', warning: false },
  { code: 'headache', vi: 'Đau đầu', en: 'Headache', warning: false },
  { code: 'muscle_pain', vi: 'Đau mỏi người', en: 'Aches and pains', warning: false },
  { code: 'runny_nose', vi: 'Sổ mũi, nghẹt mũi', en: 'Runny or blocked nose', warning: false },
  { code: 'diarrhoea', vi: 'Tiêu chảy', en: 'Diarrhoea', warning: false },
  { code: 'nausea', vi: 'Buồn nôn, nôn', en: 'Nausea or vomiting', warning: false },
] as const satisfies readonly (CodeLabel & { warning: boolean })[];
export type SymptomCode = (typeof SYMPTOMS)[number]['code'];
export const SYMPTOM_CODES: readonly SymptomCode[] = SYMPTOMS.map((s) => s.code);
export const WARNING_SYMPTOMS: ReadonlySet<string> = new Set(SYMPTOMS.filter((s) => s.warning).map((s) => s.code));

/** Exposures in the last 14 days. Only close contact with a confirmed case (F0) is a warning by itself. */
export const EXPOSURES = [
  { code: 'f0_contact', vi: 'Tiếp xúc gần với người mắc (F0)', en: 'Close contact with a confirmed case (F0)', warning: true },
  { code: 'symptomatic_contact', vi: 'Tiếp xúc với người có biểu hiện sốt, ho, khó thở', en: 'Contact with someone with fever, cough or breathlessness', warning: false },
  { code: 'outbreak_place', vi: 'Đến nơi có ca bệnh', en: 'Been where a case was found', warning: false },
] as const satisfies readonly (CodeLabel & { warning: boolean })[];
export type ExposureCode = (typeof EXPOSURES)[number]['code'];
export const EXPOSURE_CODES: readonly ExposureCode[] = EXPOSURES.map((e) => e.code);
export const WARNING_EXPOSURES: ReadonlySet<string> = new Set(EXPOSURES.filter((e) => e.warning).map((e) => e.code));

export const TRAVEL_VEHICLES = [
  { code: 'plane', vi: 'Máy bay', en: 'Plane' },
  { code: 'train', vi: 'Tàu hỏa', en: 'Train' },
  { code: 'bus', vi: 'Xe khách', en: 'Coach' },
  { code: 'car', vi: 'Ô tô', en: 'Car' },
  { code: 'motorbike', vi: 'Xe máy', en: 'Motorbike' },
  { code: 'boat', vi: 'Tàu thuyền', en: 'Boat' },
  { code: 'other', vi: 'Khác', en: 'Other' },
] as const satisfies readonly CodeLabel[];
export type TravelVehicle = (typeof TRAVEL_VEHICLES)[number]['code'];
export const TRAVEL_VEHICLE_CODES: readonly TravelVehicle[] = TRAVEL_VEHICLES.map((v) => v.code);

export const ENTRY_TRANSPORTS = [
  { code: 'flight', vi: 'Đường hàng không', en: 'Air' },
  { code: 'land', vi: 'Đường bộ', en: 'Land' },
  { code: 'sea', vi: 'Đường thủy', en: 'Sea' },
] as const satisfies readonly CodeLabel[];
export type EntryTransport = (typeof ENTRY_TRANSPORTS)[number]['code'];
export const ENTRY_TRANSPORT_CODES: readonly EntryTransport[] = ENTRY_TRANSPORTS.map((v) => v.code);

/** Why a declaration raised an alert. */
export const WARNING_REASONS = [
  { code: 'warning_symptoms', vi: 'Có triệu chứng cảnh báo', en: 'Warning symptoms' },
  { code: 'exposure_f0', vi: 'Tiếp xúc gần với F0', en: 'Close contact with a confirmed case' },
  { code: 'travel_from_risk_area', vi: 'Đi từ vùng có nguy cơ', en: 'Travel from an area at risk' },
] as const satisfies readonly CodeLabel[];
export type WarningReason = (typeof WARNING_REASONS)[number]['code'];

/** An area on the risk list, in force from `since` to `until` (inclusive; null: until further notice). Days are YYYY-MM-DD. */
export interface RiskArea {
  path: string;
  since: string;
  until: string | null;
}

/** Where the declarant came from and on which day (the travel's start). */
export interface TravelOrigin {
  areaPath: string;
  on: string;
}

export interface DeclarationFacts {
  symptoms: readonly string[];
  exposures: readonly string[];
  travelOrigins: readonly TravelOrigin[];
}

function within(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`);
}

/** Whether an area (or one of its ancestors) was on the risk list on that day. */
export function wasAtRisk(origin: TravelOrigin, riskAreas: readonly RiskArea[]): boolean {
  return riskAreas.some((r) => within(origin.areaPath, r.path) && r.since <= origin.on && (r.until === null || origin.on <= r.until));
}

/**
 * The warning rules. A declaration warns when it reports a warning symptom, close contact with an F0, or travel
 * from an area that was on the risk list on the day of travel. Returns the reasons in a fixed order; an empty
 * list means no alert.
 */
export function declarationWarnings(facts: DeclarationFacts, riskAreas: readonly RiskArea[]): WarningReason[] {
  const reasons: WarningReason[] = [];
  if (facts.symptoms.some((s) => WARNING_SYMPTOMS.has(s))) reasons.push('warning_symptoms');
  if (facts.exposures.some((e) => WARNING_EXPOSURES.has(e))) reasons.push('exposure_f0');
  if (facts.travelOrigins.some((o) => wasAtRisk(o, riskAreas))) reasons.push('travel_from_risk_area');
  return reasons;
}

export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Alerts move forward only: open -> acknowledged -> closed, or open -> closed. */
export function canMoveAlert(from: AlertStatus, to: AlertStatus): boolean {
  return (from === 'open' && (to === 'acknowledged' || to === 'closed')) || (from === 'acknowledged' && to === 'closed');
}
