/**
 * The vaccination and reports API as the web app uses it. Supply chain and sites follow
 * apps/server/src/modules/vaccination/{schemas,sites-schemas}.ts; the site workflow and reports follow the routes of
 * the "sessions" and "reports" modules. Every shape lives here so a change on the server is one edit.
 */
import type { BoosterRule, CatalogVersion, MixedSchedule, VaccineDefinition } from '@sen/domain';
import { request } from '../../api';

type Q = Record<string, string | number | null | undefined>;
const enc = encodeURIComponent;

/** A UUIDv7 made on the device: the idempotency key of a write, so a retry or a queued sync never duplicates it. */
export function clientId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  const ms = Date.now();
  for (let i = 0; i < 6; i++) bytes[i] = Math.floor(ms / 2 ** (8 * (5 - i))) & 0xff;
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- catalog ----
export interface CatalogVaccine {
  code: string;
  nameVi: string;
  nameEn: string;
  platform: string;
  seriesDoses: number;
  minIntervalDays: number;
  recommendedIntervalDays: number;
  minAgeYears: number;
  maxAgeYears: number | null;
  defaultDosesPerVial: number;
  /** Sputnik V: the component of each primary dose (I, II); null when every dose is the same. */
  components: string[] | null;
}
export interface Catalog {
  version: number;
  validFrom: string;
  vaccines: CatalogVaccine[];
}
export const getCatalog = (signal?: AbortSignal) => request<Catalog>('GET', '/api/vaccination/catalog', { signal });

// ---- supply chain ----
export const STORE_LEVELS = ['national', 'province', 'commune', 'site'] as const;
export type StoreLevel = (typeof STORE_LEVELS)[number];
export const DISCARD_REASONS = ['opened_vial', 'closed_vial', 'expired', 'cold_chain', 'damaged'] as const;
export type DiscardReason = (typeof DISCARD_REASONS)[number];
export type EventKind = 'receive' | 'ship_out' | 'ship_in' | 'issue' | 'return' | 'discard' | 'adjust' | 'allocate';

export interface Store {
  id: string;
  name: string;
  level: StoreLevel;
  areaCode: string;
  areaPath: string;
  parentStoreId: string | null;
  createdAt: string;
}
export interface Lot {
  id: string;
  vaccineCode: string;
  vaccineName: string | null;
  lotNumber: string;
  expiryDate: string;
  dosesPerVial: number;
  recalledAt: string | null;
  recallReason: string | null;
  createdAt: string;
}
export interface Shipment {
  id: string;
  fromStoreId: string;
  toStoreId: string;
  lotId: string;
  doses: number;
  status: 'in_transit' | 'received' | 'cancelled';
  shippedAt: string;
  receivedAt: string | null;
}
export interface StockEvent {
  id: string;
  storeId: string;
  lotId: string;
  kind: EventKind;
  doses: number;
  balanceAfter: number;
  discardReason: string | null;
  shipmentId: string | null;
  sessionRef: string | null;
  occurredAt: string;
  note: string | null;
  /** allocate: the store the doses are reserved for; ship_out: the store whose reservation it consumed. */
  forStoreId: string | null;
  /** Change of that reservation: + reserved, - released or shipped. */
  reservedChange: number;
}
export interface StockItem {
  lotId: string;
  vaccineCode: string;
  lotNumber: string;
  expiryDate: string;
  recalled: boolean;
  expired: boolean;
  onHand: number;
  inTransitIn: number;
  /** Of the doses on hand, those allocated to other stores. */
  reserved: number;
  /** On hand less reserved: what may still be allocated, shipped elsewhere or issued. */
  available: number;
}
export interface Stock {
  store: Store;
  items: StockItem[];
  incoming: Shipment[];
  /** Doses of this store allocated to other stores, not shipped yet. */
  reservations: { lotId: string; forStoreId: string; forStoreName: string; doses: number }[];
  /** Doses other stores hold for this one. */
  allocatedToThisStore: { lotId: string; fromStoreId: string; fromStoreName: string; doses: number }[];
}
export interface LotTrace {
  lot: Lot;
  stores: { store: Store; onHand: number; totals: Record<EventKind, number> }[];
  shipments: Shipment[];
  events: StockEvent[];
  eventsTruncated: boolean;
}
export interface Movement {
  event: StockEvent;
  shipment: Shipment | null;
  replayed: boolean;
}

export const listStores = (query: { level?: StoreLevel; area?: string; limit?: number }, signal?: AbortSignal) =>
  request<{ items: Store[]; hasMore: boolean }>('GET', '/api/vaccination/stores', { query, signal });
export const createStore = (body: { name: string; level: StoreLevel; areaCode: string; parentStoreId?: string | null }) =>
  request<Store>('POST', '/api/vaccination/stores', { body });
export const getStock = (storeId: string, signal?: AbortSignal) => request<Stock>('GET', `/api/vaccination/stores/${enc(storeId)}/stock`, { signal });
export const listLots = (query: { vaccineCode?: string; limit?: number; offset?: number }, signal?: AbortSignal) =>
  request<{ items: Lot[]; hasMore: boolean }>('GET', '/api/vaccination/lots', { query, signal });
export const createLot = (body: { vaccineCode: string; lotNumber: string; expiryDate: string; dosesPerVial?: number }) =>
  request<Lot>('POST', '/api/vaccination/lots', { body });
export const recallLot = (id: string, reason: string) => request<Lot>('POST', `/api/vaccination/lots/${enc(id)}/recall`, { body: { reason } });
export const traceLot = (id: string, signal?: AbortSignal) => request<LotTrace>('GET', `/api/vaccination/lots/${enc(id)}/trace`, { signal });

export const MOVEMENT_KINDS = ['receive', 'ship', 'allocate', 'issue', 'return', 'discard', 'count'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
export interface MovementInput {
  lotId: string;
  doses: number;
  note?: string;
  toStoreId?: string;
  reason?: DiscardReason;
  sessionRef?: string;
  /** allocate: give back doses reserved earlier for toStoreId instead of reserving more. */
  release?: boolean;
}

/** One stock movement at a store; the clientId makes a double tap or a retry move the doses once. */
export function recordMovement(storeId: string, kind: MovementKind, input: MovementInput, key: string) {
  const base = { lotId: input.lotId, clientId: key, ...(input.note ? { note: input.note } : {}) };
  let body: Record<string, unknown>;
  if (kind === 'count') body = { ...base, counted: input.doses };
  else if (kind === 'ship') body = { ...base, doses: input.doses, toStoreId: input.toStoreId };
  else if (kind === 'allocate') body = { ...base, doses: input.doses, toStoreId: input.toStoreId, ...(input.release ? { release: true } : {}) };
  else if (kind === 'discard') body = { ...base, doses: input.doses, reason: input.reason };
  else if (kind === 'issue' || kind === 'return') body = { ...base, doses: input.doses, ...(input.sessionRef ? { sessionRef: input.sessionRef } : {}) };
  else body = { ...base, doses: input.doses };
  return request<Movement>('POST', `/api/vaccination/stores/${enc(storeId)}/${kind}`, { body });
}
export const confirmShipment = (shipmentId: string, key: string) =>
  request<Movement>('POST', `/api/vaccination/shipments/${enc(shipmentId)}/receive`, { body: { clientId: key } });

// ---- allocation plans (apps/server/src/modules/vaccination/allocation-schemas.ts) ----
export const TARGET_GROUPS = ['adults', 'over_50'] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];
export type PlanStatus = 'proposed' | 'approved' | 'superseded';
interface PlanFigures {
  targetPopulation: number;
  /** Primary doses of the vaccine already given in the area. */
  dosesGiven: number;
  dosesNeeded: number;
  dosesToAllocate: number;
}
export interface PlanLine extends PlanFigures {
  areaCode: string;
  areaName: string;
}
export interface AllocationPlan extends PlanFigures {
  /** null for a proposal that was not stored. */
  id: string | null;
  status: PlanStatus | null;
  areaCode: string;
  areaName: string;
  vaccineCode: string;
  seriesDoses: number;
  periodFrom: string;
  periodTo: string;
  targetGroup: TargetGroup;
  coverageGoalPct: number;
  dosesAvailable: number | null;
  note: string | null;
  createdAt: string | null;
  approvedAt: string | null;
  /** One per child area (empty in lists). */
  lines: PlanLine[];
}
export interface AllocationPlanInput {
  areaCode: string;
  vaccineCode: string;
  periodFrom: string;
  periodTo: string;
  coverageGoalPct: number;
  targetGroup: TargetGroup;
  dosesAvailable?: number;
  note?: string;
}
export const proposeAllocationPlan = (body: AllocationPlanInput) => request<AllocationPlan>('POST', '/api/vaccination/allocation-plans/propose', { body });
export const createAllocationPlan = (body: AllocationPlanInput) => request<AllocationPlan>('POST', '/api/vaccination/allocation-plans', { body });
export const approveAllocationPlan = (id: string) => request<AllocationPlan>('POST', `/api/vaccination/allocation-plans/${enc(id)}/approve`);
export const getAllocationPlan = (id: string, signal?: AbortSignal) => request<AllocationPlan>('GET', `/api/vaccination/allocation-plans/${enc(id)}`, { signal });
export const listAllocationPlans = (query: { area?: string; vaccineCode?: string; status?: PlanStatus; limit?: number; offset?: number }, signal?: AbortSignal) =>
  request<{ items: AllocationPlan[]; hasMore: boolean }>('GET', '/api/vaccination/allocation-plans', { query, signal });

// ---- sites, staff, shifts ----
export const SITE_KINDS = ['fixed', 'mobile', 'hospital'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];
export const STAFF_ROLES = ['screener', 'vaccinator', 'observer', 'recorder', 'site_lead'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface Site {
  id: string;
  kind: SiteKind;
  name: string;
  areaCode: string;
  areaPath: string;
  address: string | null;
  capacityPerHour: number;
  openingDays: number[];
  opensAt: string;
  closesAt: string;
  storeId: string | null;
  active: boolean;
  version: number;
}
export interface SiteInput {
  kind: SiteKind;
  name: string;
  areaCode: string;
  address?: string | null;
  capacityPerHour: number;
  openingDays: number[];
  opensAt: string;
  closesAt: string;
  storeId?: string | null;
}
export interface Staff {
  siteId: string;
  personId: string;
  fullName: string;
  userId: string | null;
  role: StaffRole;
  active: boolean;
  addedAt: string;
}
export interface Shift {
  id: string;
  siteId: string;
  date: string;
  startsAt: string;
  endsAt: string;
  localStart: string;
  localEnd: string;
  note: string | null;
  members: { personId: string; fullName: string; role: StaffRole }[];
  complete: boolean;
  missing: StaffRole[];
}

export const listSites = (query: { area?: string; kind?: SiteKind; active?: 'true' | 'false'; limit?: number }, signal?: AbortSignal) =>
  request<{ items: Site[]; hasMore: boolean }>('GET', '/api/vaccination/sites', { query, signal });
export const getSite = (id: string, signal?: AbortSignal) => request<Site>('GET', `/api/vaccination/sites/${enc(id)}`, { signal });
export const createSite = (body: SiteInput) => request<Site>('POST', '/api/vaccination/sites', { body });
export const listStaff = (siteId: string, signal?: AbortSignal) => request<{ items: Staff[] }>('GET', `/api/vaccination/sites/${enc(siteId)}/staff`, { signal });
export const addStaff = (siteId: string, body: { personId: string; role: StaffRole }) => request<Staff>('POST', `/api/vaccination/sites/${enc(siteId)}/staff`, { body });
export const listShifts = (siteId: string, query: { from?: string; to?: string }, signal?: AbortSignal) =>
  request<{ items: Shift[]; hasMore: boolean }>('GET', `/api/vaccination/sites/${enc(siteId)}/shifts`, { query, signal });
export const createShift = (siteId: string, body: { startsAt: string; endsAt: string; note?: string; members: { personId: string; role?: StaffRole }[] }) =>
  request<Shift>('POST', `/api/vaccination/sites/${enc(siteId)}/shifts`, { body });
export const removeShiftMember = (shiftId: string, personId: string) =>
  request<Shift>('DELETE', `/api/vaccination/shifts/${enc(shiftId)}/members/${enc(personId)}`);

// ---- sessions and the site workflow (apps/server/src/modules/vaccination/sessions-schemas.ts) ----
export type SessionStatus = 'planned' | 'open' | 'closed' | 'cancelled';
export interface Session {
  id: string;
  siteId: string;
  /** The Viet Nam day of the session. */
  date: string;
  startsAt: string;
  endsAt: string;
  /** EU product codes and, in the same order, the catalog vaccine codes. */
  products: string[];
  vaccines: string[];
  capacity: number;
  status: SessionStatus;
  shiftId: string | null;
  note: string | null;
  arrivals: number | null;
  doses: number | null;
}
export interface SessionInput {
  id?: string;
  siteId: string;
  /** Viet Nam local YYYY-MM-DDTHH:MM. */
  startsAt: string;
  endsAt: string;
  vaccines: string[];
  capacity: number;
  shiftId?: string | null;
}
export interface Arrival {
  id: string;
  sessionId: string;
  personId: string;
  arrivedAt: string;
  method: 'qr' | 'search' | 'id_number' | 'person_id';
  fullName?: string;
  birthDate?: string | null;
  replayed?: boolean;
}
export type ScreeningOutcome = 'eligible' | 'caution' | 'defer' | 'contraindicated';
export const VITALS = ['temperatureC', 'pulse', 'systolic', 'diastolic', 'respiratoryRate'] as const;
export type Vital = (typeof VITALS)[number];
export const SCREENING_QUESTIONS = [
  'allergyToVaccine', 'anaphylaxisToPriorDose', 'allergyHistory', 'chronicDisease', 'chronicDiseaseUncontrolled', 'acuteIllness', 'immunosuppressed',
] as const;
export type ScreeningQuestion = (typeof SCREENING_QUESTIONS)[number];
export interface ScreeningInput {
  id: string;
  personId: string;
  sessionId: string;
  vaccineCode?: string;
  screenedAt?: string;
  vitals: Partial<Record<Vital, number | null>>;
  answers: Partial<Record<ScreeningQuestion, boolean>> & { pregnancyWeeks?: number | null; lastCovidOn?: string | null };
}
export interface Reason {
  code: string;
  vi: string;
  en: string;
}
export interface Screening {
  id: string;
  personId: string;
  sessionId: string | null;
  screenedAt: string;
  ruleSetVersion: string;
  outcome: ScreeningOutcome;
  reasons: (Reason & { outcome: string })[];
  replayed: boolean;
}
export interface DoseInput {
  id: string;
  personId: string;
  sessionId: string;
  lotId: string;
  component?: string;
  administeredAt?: string;
  override?: { reason: string };
}
export interface DoseProblem extends Reason {
  severity: string;
  overridable: boolean;
}
export interface Dose {
  id: string;
  personId: string;
  administeredAt: string;
  administeredOn: string;
  siteId: string | null;
  sessionId: string | null;
  product: string;
  vaccineCode: string;
  lotNumber: string | null;
  doseKind: 'primary' | 'booster';
  doseNumber: number;
  completesSeries: boolean;
  overrideReason: string | null;
  source: 'site' | 'backfill';
  verified: boolean;
  place: string | null;
  observationEndsAt: string | null;
  observationDoneAt: string | null;
  replayed?: boolean;
  warnings?: DoseProblem[];
}
export interface ObservationItem {
  doseId: string;
  personId: string;
  fullName: string;
  vaccineCode: string;
  doseNumber: number;
  doseKind: string;
  administeredAt: string;
  observationEndsAt: string;
  remainingSeconds: number;
  state: 'running' | 'ended' | 'done';
  outcome: string | null;
}
export const AEFI_SYMPTOMS = [
  'injection_site_pain', 'injection_site_swelling', 'injection_site_redness', 'fever', 'headache', 'fatigue', 'myalgia', 'arthralgia', 'chills',
  'nausea', 'vomiting', 'diarrhoea', 'dizziness', 'syncope', 'rash', 'urticaria', 'angioedema', 'anaphylaxis', 'dyspnoea', 'chest_pain',
  'palpitations', 'hypotension', 'seizure', 'paraesthesia', 'lymphadenopathy', 'thrombosis_with_thrombocytopenia', 'myocarditis', 'pericarditis',
  'guillain_barre', 'other',
] as const;
export const AEFI_SEVERITIES = ['mild', 'moderate', 'severe'] as const;
export const AEFI_OUTCOMES = ['recovered', 'recovering', 'not_recovered', 'recovered_with_sequelae', 'fatal', 'unknown'] as const;
export interface AdverseEventBody {
  id: string;
  onsetAt: string;
  symptoms: string[];
  serious: boolean;
  severity: (typeof AEFI_SEVERITIES)[number];
  outcome: (typeof AEFI_OUTCOMES)[number];
  description?: string;
}
export interface History {
  personId: string;
  doses: Dose[];
  status: { dosesReceived: number; primaryVaccine: string | null; seriesLength: number | null; primaryComplete: boolean; completedOn: string | null; boosters: number; lastDoseOn: string | null };
  nextDue: { earliest: string; recommended: string; latest: string | null } | null;
}
export interface SyncItemResult {
  kind: 'screening' | 'dose';
  index: number;
  id: string | null;
  status: 'created' | 'duplicate' | 'refused';
  code: string | null;
  message: string | null;
}

export const listSessions = (query: { siteId?: string; from?: string; to?: string; status?: SessionStatus }, signal?: AbortSignal) =>
  request<{ items: Session[]; hasMore: boolean }>('GET', '/api/vaccination/sessions', { query, signal });
export const getSession = (id: string, signal?: AbortSignal) => request<Session>('GET', `/api/vaccination/sessions/${enc(id)}`, { signal });
export const createSession = (body: SessionInput) => request<Session>('POST', '/api/vaccination/sessions', { body });
export const changeSessionStatus = (id: string, change: 'open' | 'close') => request<Session>('POST', `/api/vaccination/sessions/${enc(id)}/${change}`, { body: {} });
export const listArrivals = (sessionId: string, signal?: AbortSignal) =>
  request<{ items: Arrival[] }>('GET', `/api/vaccination/sessions/${enc(sessionId)}/arrivals`, { signal });
/** One of personId, idNumber or personToken (the person's signed QR as scanned: the server then records method qr). */
export const recordArrival = (sessionId: string, body: { id: string; personId?: string; idNumber?: string; personToken?: string; method?: Arrival['method'] }) =>
  request<Arrival>('POST', `/api/vaccination/sessions/${enc(sessionId)}/arrivals`, { body });
export const recordScreening = (body: ScreeningInput) => request<Screening>('POST', '/api/vaccination/screenings', { body });
export const recordDose = (body: DoseInput) => request<Dose>('POST', '/api/vaccination/doses', { body });
export const observationBoard = (sessionId: string, signal?: AbortSignal) =>
  request<{ now: string; items: ObservationItem[] }>('GET', '/api/vaccination/observation', { query: { sessionId, includeDone: 'true' }, signal });
export const finishObservation = (doseId: string, body: { outcome: 'no_reaction' | 'reaction'; adverseEvent?: AdverseEventBody }) =>
  request<{ doseId: string; observationDoneAt: string; outcome: string }>('POST', `/api/vaccination/doses/${enc(doseId)}/observation`, { body });
export const recordAdverseEvent = (body: AdverseEventBody & { doseId: string }) => request<{ id: string }>('POST', '/api/vaccination/adverse-events', { body });
export const personHistory = (personId: string, signal?: AbortSignal) => request<History>('GET', `/api/vaccination/people/${enc(personId)}/history`, { signal });
/** Writes queued on the tablet while offline, sent together; each carries its client id so a resend is harmless. */
export const syncQueue = (body: { screenings: unknown[]; doses: unknown[] }) =>
  request<{ items: SyncItemResult[]; created: number; duplicates: number; refused: number }>('POST', '/api/vaccination/sync', { body });

// ---- the citizen's own record (registrations: apps/server/src/modules/vaccination/registrations.ts) ----
export interface Registration {
  id: string;
  personId: string;
  areaCode: string;
  siteId: string | null;
  preferredDate: string | null;
  product: string | null;
  priorityGroup: string | null;
  source: string;
  status: string;
  note: string | null;
  createdAt: string;
}
export interface SelfRegistrationInput {
  id: string;
  areaCode?: string;
  preferredDate?: string;
  priorityGroup?: string;
  note?: string;
}
export const myVaccination = (signal?: AbortSignal) => request<History>('GET', '/api/me/vaccination/history', { signal });
export interface Invitation {
  id: string;
  sessionId: string;
  status: 'invited' | 'arrived' | 'no_show' | 'cancelled';
  sessionDate: string;
  startsAt: string;
  endsAt: string;
  siteName: string;
  siteAddress: string | null;
}
export const myRegistrations = (signal?: AbortSignal) =>
  request<{ items: Registration[]; invitations: Invitation[] }>('GET', '/api/vaccination/registrations/me', { signal });
export const registerMe = (body: SelfRegistrationInput) => request<Registration>('POST', '/api/vaccination/registrations/me', { body });
export const cancelRegistration = (id: string) => request<Registration>('POST', `/api/vaccination/registrations/${enc(id)}/cancel`);

// ---- reports (apps/server/src/modules/reports) ----
export interface ReportFilter extends Q {
  area?: string;
  from?: string;
  to?: string;
  vaccine?: string;
}
export type Cell = string | number | null;
/** Every report is a table: columns named in both languages, rows keyed by column. */
export interface ReportTable {
  report: string;
  period: { from: string; to: string };
  areas: { code: string; name: string }[];
  vaccine: string | null;
  columns: { key: string; vi: string; en: string }[];
  rows: Record<string, Cell>[];
}
/**
 * Coverage of an area (apps/server/src/modules/reports/coverage-report.ts): rates of the target populations (adults
 * 18+, over-50s; null while a population is unknown), and the all-ages counts, which have no rate.
 */
export interface CoverageFigures {
  population: number | null;
  population18Plus: number | null;
  population50Plus: number | null;
  atLeastOneDose: number;
  fullSeries: number;
  booster: number;
  adults18PlusAtLeastOneDose: number;
  adults18PlusAtLeastOneDosePct: number | null;
  adults18PlusFullSeries: number;
  adults18PlusFullSeriesPct: number | null;
  adults18PlusBooster: number;
  adults18PlusBoosterPct: number | null;
  over50AtLeastOneDose: number;
  over50AtLeastOneDosePct: number | null;
  over50FullSeries: number;
  over50FullSeriesPct: number | null;
}
export interface Dashboard {
  period: { from: string; to: string };
  areas: { code: string; name: string }[];
  vaccine: string | null;
  totals: CoverageFigures & {
    doses: number;
    screenings: number;
    notEligible: number;
    adverseEvents: number;
    seriousAdverseEvents: number;
  };
  dosesByDay: { day: string; primary: number; booster: number }[];
  dosesByVaccine: { vaccine: string; doses: number }[];
  coverageByArea: (CoverageFigures & { areaCode: string; area: string | null })[];
}
export const REPORT_TABLES = ['coverage', 'screenings', 'adverse-events', 'stock', 'attendance'] as const;
export type ReportName = (typeof REPORT_TABLES)[number];

export const getDashboard = (query: ReportFilter, signal?: AbortSignal) => request<Dashboard>('GET', '/api/reports/dashboard', { query, signal });
export const getReport = (name: ReportName, query: ReportFilter, signal?: AbortSignal) => request<ReportTable>('GET', `/api/reports/${name}`, { query, signal });
/** What the doses-per-day chart splits by: dose kind (the dashboard's own series), or a dimension of the doses report. */
export const DOSE_SPLITS = ['kind', 'vaccine', 'dose'] as const;
export type DoseSplit = (typeof DOSE_SPLITS)[number];
export interface DosesQuery extends ReportFilter {
  by?: 'day' | 'area' | 'vaccine' | 'dose' | 'site';
  split?: 'area' | 'vaccine' | 'dose' | 'site';
}
export const getDosesReport = (query: DosesQuery, signal?: AbortSignal) => request<ReportTable>('GET', '/api/reports/doses', { query, signal });
export interface SeriousQuery extends ReportFilter {
  limit?: number;
  offset?: number;
}
/** Serious adverse events of the area, newest first, a page at a time (no names; each read is audited). */
export const getSeriousAdverseEvents = (query: SeriousQuery, signal?: AbortSignal) =>
  request<ReportTable & { hasMore: boolean }>('GET', '/api/reports/adverse-events/serious', { query, signal });
/** The CSV of a report table, downloaded by the browser with the session cookie. */
export function reportCsvUrl(report: ReportName | 'doses' | 'adverse-events/serious', query: ReportFilter): string {
  const usp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') usp.set(k, String(v));
  usp.set('format', 'csv');
  return `/api/reports/${report}?${usp.toString()}`;
}

// ---- catalog versions and priority groups (apps/server/src/modules/vaccination/{catalog-versions,priority-groups}.ts) ----
export type { BoosterRule, CatalogVersion, MixedSchedule, VaccineDefinition };
/** A new version = the latest with changes, from a day after it (national administrators only). */
export interface CatalogVersionInput {
  validFrom: string;
  source: string;
  vaccineChanges?: (Partial<VaccineDefinition> & { code: string })[];
  addVaccines?: VaccineDefinition[];
  mixedSchedules?: MixedSchedule[];
  booster?: BoosterRule | null;
}
export const listCatalogVersions = (signal?: AbortSignal) => request<{ items: CatalogVersion[] }>('GET', '/api/vaccination/catalog/versions', { signal });
export const getCatalogVersion = (version: number, signal?: AbortSignal) => request<CatalogVersion>('GET', `/api/vaccination/catalog/versions/${version}`, { signal });
export const createCatalogVersion = (body: CatalogVersionInput) => request<CatalogVersion>('POST', '/api/vaccination/catalog/versions', { body });

export interface PriorityGroup {
  code: string;
  rank: number;
  nameVi: string;
  nameEn: string;
  active: boolean;
}
export const listPriorityGroups = (signal?: AbortSignal) => request<{ items: PriorityGroup[] }>('GET', '/api/vaccination/priority-groups', { signal });
/** Every group in priority order (a group is never removed: deactivate it). */
export const updatePriorityGroups = (groups: Omit<PriorityGroup, 'rank'>[]) => request<{ items: PriorityGroup[] }>('PUT', '/api/vaccination/priority-groups', { body: { groups } });

// ---- target lists and their imports (apps/server/src/modules/vaccination/targets-routes.ts) ----
export interface TargetList {
  id: string;
  name: string;
  areaCode: string;
  createdAt: string;
  entries: number;
}
export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';
export interface TargetImport {
  id: string;
  listId: string;
  fileName: string;
  format: string;
  sizeBytes: number;
  status: ImportStatus;
  rowsTotal: number;
  rowsProcessed: number;
  rowsOk: number;
  rowsFailed: number;
  peopleCreated: number;
  peopleLinked: number;
  /** 0 to 1. */
  progress: number;
  failure: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The per-row error report (CSV), for the uploader. */
  errorsUrl: string;
}
export interface TargetEntry {
  id: string;
  personId: string;
  fullName: string;
  birthDate: string | null;
  communeCode: string | null;
  priorityGroup: string | null;
  rowNumber: number | null;
  importId: string | null;
}
export const listTargetLists = (query: { limit?: number; offset?: number }, signal?: AbortSignal) =>
  request<{ items: TargetList[]; hasMore: boolean }>('GET', '/api/vaccination/target-lists', { query, signal });
export const createTargetList = (body: { name: string; areaCode: string }) => request<TargetList>('POST', '/api/vaccination/target-lists', { body });
export const listTargetEntries = (listId: string, query: { limit?: number; offset?: number }, signal?: AbortSignal) =>
  request<{ items: TargetEntry[]; hasMore: boolean }>('GET', `/api/vaccination/target-lists/${enc(listId)}/entries`, { query, signal });
export const listTargetImports = (listId: string, signal?: AbortSignal) => request<{ items: TargetImport[] }>('GET', `/api/vaccination/target-lists/${enc(listId)}/imports`, { signal });
export const getTargetImport = (id: string, signal?: AbortSignal) => request<TargetImport>('GET', `/api/vaccination/target-imports/${enc(id)}`, { signal });

const UPLOAD_TYPES: Record<string, string> = { csv: 'text/csv', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
/** The file itself is the body; its type comes from the extension (Windows browsers call a CSV application/vnd.ms-excel). */
export function uploadTargetFile(listId: string, file: File) {
  const type = UPLOAD_TYPES[file.name.toLowerCase().split('.').pop() ?? ''] ?? 'application/octet-stream';
  return request<TargetImport>('POST', `/api/vaccination/target-lists/${enc(listId)}/imports`, { query: { fileName: file.name }, file: file.slice(0, file.size, type) });
}

// ---- registrations by staff, invitations ----
export interface StaffRegistrationInput extends SelfRegistrationInput {
  personId: string;
  siteId?: string;
}
export type RegistrationStatus = 'active' | 'cancelled' | 'done';
export const registerPerson = (body: StaffRegistrationInput) => request<Registration>('POST', '/api/vaccination/registrations', { body });
export const listRegistrations = (query: { area?: string; status?: RegistrationStatus; siteId?: string; personId?: string; limit?: number; offset?: number }, signal?: AbortSignal) =>
  request<{ items: (Registration & { fullName?: string })[]; hasMore: boolean }>('GET', '/api/vaccination/registrations', { query, signal });

export interface InvitationResult {
  invited: number;
  capacity: number;
  alreadyInvited: number;
  skippedNotDue: number;
  skippedNotEligible: number;
  waiting: number;
}
export interface SessionInvitation {
  id: string;
  personId: string;
  fullName: string;
  status: Invitation['status'];
  priorityRank: number | null;
  dueOn: string | null;
  registrationId: string | null;
  targetEntryId: string | null;
  createdAt: string;
}
export const generateInvitations = (sessionId: string) => request<InvitationResult>('POST', `/api/vaccination/sessions/${enc(sessionId)}/invitations`);
export const listInvitations = (sessionId: string, query: { limit?: number; offset?: number }, signal?: AbortSignal) =>
  request<{ items: SessionInvitation[]; hasMore: boolean }>('GET', `/api/vaccination/sessions/${enc(sessionId)}/invitations`, { query, signal });

// ---- backfill and its review ----
export interface BackfillInput {
  id: string;
  personId: string;
  vaccineCode: string;
  administeredOn: string;
  doseNumber?: number;
  component?: string;
  lotNumber?: string;
  place?: string;
  source: string;
  evidenceNote: string;
  override?: { reason: string };
}
export interface BackfilledDose extends Dose {
  fullName?: string;
  reviewStatus: 'pending' | 'confirmed' | 'rejected';
  backfillSource: string | null;
  evidenceNote: string | null;
  recordedAt: string;
  recordedBy: string | null;
}
export const recordBackfill = (body: BackfillInput) => request<BackfilledDose>('POST', '/api/vaccination/backfills', { body });
export const listUnverified = (query: { limit?: number; offset?: number }, signal?: AbortSignal) =>
  request<{ items: BackfilledDose[]; hasMore: boolean }>('GET', '/api/vaccination/backfills/unverified', { query, signal });
export const reviewBackfill = (id: string, body: { decision: 'confirm' | 'reject'; note?: string }) =>
  request<BackfilledDose>('POST', `/api/vaccination/backfills/${enc(id)}/review`, { body });

// ---- adverse events and causality ----
/** WHO AEFI causality: A1-A4 consistent, B1/B2 indeterminate, C coincidental, D unclassifiable. */
export const CAUSALITY_CLASSES = ['A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'C', 'D'] as const;
export type Causality = (typeof CAUSALITY_CLASSES)[number];
export interface AdverseEvent {
  id: string;
  doseId: string;
  personId: string;
  product: string;
  vaccineCode: string;
  siteId: string | null;
  sessionId: string | null;
  onsetAt: string;
  symptoms: string[];
  serious: boolean;
  severity: (typeof AEFI_SEVERITIES)[number];
  outcome: (typeof AEFI_OUTCOMES)[number];
  description: string | null;
  causality: Causality | null;
  causalityNote: string | null;
  causalitySetAt: string | null;
  reportedAt: string;
}
export const listAdverseEvents = (query: { serious?: 'true' | 'false'; pendingCausality?: 'true' | 'false'; personId?: string; limit?: number; offset?: number }, signal?: AbortSignal) =>
  request<{ items: AdverseEvent[]; hasMore: boolean }>('GET', '/api/vaccination/adverse-events', { query, signal });
export const setCausality = (id: string, body: { causality: Causality; note?: string }) =>
  request<AdverseEvent>('POST', `/api/vaccination/adverse-events/${enc(id)}/causality`, { body });

// ---- lot traceability: doses given from a lot (apps/server/src/modules/reports/lot-doses.ts) ----
export interface LotDosesPage extends ReportTable {
  /** The cursor of the next page (the last dose id of this one), null on the last page. */
  nextAfter: string | null;
}
export const lotDoses = (lotId: string, query: { after?: string; limit?: number }, signal?: AbortSignal) =>
  request<LotDosesPage>('GET', `/api/reports/lots/${enc(lotId)}/doses`, { query, signal });
/** Every dose given from the lot as one CSV (a recall's call list), for the browser to download with the session cookie. */
export const lotDosesExportUrl = (lotId: string): string => `/api/reports/lots/${enc(lotId)}/doses/export`;
