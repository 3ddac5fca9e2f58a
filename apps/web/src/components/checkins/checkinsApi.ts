/**
 * Calls of the check-ins, declarations, tracing and certificates modules (issues 4 and 5), on the shared
 * request() of api.ts (same-origin JSON, problem+json errors).
 */
import { request } from '../../api';

export const VENUE_TYPES = ['business', 'agency', 'market', 'school', 'checkpoint', 'transport', 'event', 'other'] as const;
export type VenueType = (typeof VENUE_TYPES)[number];

export interface Venue {
  id: string;
  name: string;
  type: VenueType;
  address: string | null;
  communeCode: string;
  ownerUserId: string;
  openingHours: string | null;
  defaultVisitMinutes: number;
  latitude: number | null;
  longitude: number | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface VenueInput {
  name: string;
  type: VenueType;
  address?: string | null;
  communeCode: string;
  openingHours?: string | null;
  defaultVisitMinutes?: number;
  latitude?: number | null;
  longitude?: number | null;
  ownerUserId?: string;
}

export interface QrToken {
  token: string;
  version: number;
  /** When this token was made. */
  issuedAt: string;
  /** When scanners start refusing it: the app fetches a fresh one, a printed card or poster is printed again. */
  expiresAt: string;
}

/** One visitor check-in from the venue page: a scanned person QR, or a typed ID number. */
export interface VisitorCheckin {
  personToken?: string;
  idNumber?: string;
  clientId: string;
  checkedInAt: string;
  checkedOutAt?: string | null;
}
export interface VisitorCheckinResult {
  id: string | null;
  clientId: string;
  duplicate: boolean;
  maskedName: string;
}

export interface Visitors {
  venueId: string;
  date: string;
  total: number;
  truncated: boolean;
  visitors: { checkinId: string; maskedName: string; checkedInAt: string; checkedOutAt: string | null; leftAt: string; source: string; colour?: 'green' | 'black' | null }[];
  countsByHour: { hour: number; count: number }[];
}

export interface SelfCheckinResult {
  id: string | null;
  clientId: string;
  duplicate: boolean;
  venueId: string;
  venueName: string;
}

const enc = encodeURIComponent;

// ---- venues ----
export const listVenues = (query: { mine?: boolean; communeCode?: string; limit?: number }, signal?: AbortSignal) =>
  request<{ items: Venue[]; nextAfter: string | null }>('GET', '/api/venues', { query: { ...query, mine: query.mine === undefined ? undefined : String(query.mine) }, signal });
export const getVenue = (id: string, signal?: AbortSignal) => request<Venue>('GET', `/api/venues/${enc(id)}`, { signal });
export const registerVenue = (input: VenueInput) => request<Venue>('POST', '/api/venues', { body: input });
export const getVenueQr = (id: string, signal?: AbortSignal) => request<QrToken & { venueId: string }>('GET', `/api/venues/${enc(id)}/qr`, { signal });
export const rotateVenueQr = (id: string) => request<QrToken & { venueId: string }>('POST', `/api/venues/${enc(id)}/qr/rotate`);
export const venuePosterUrl = (id: string) => `/api/venues/${enc(id)}/poster.pdf`;
export const checkInVisitor = (venueId: string, body: VisitorCheckin) => request<VisitorCheckinResult>('POST', `/api/venues/${enc(venueId)}/checkins`, { body });
export const checkInVisitorBatch = (venueId: string, checkins: VisitorCheckin[]) =>
  request<{ inserted: number; duplicates: number; items: VisitorCheckinResult[] }>('POST', `/api/venues/${enc(venueId)}/checkins/batch`, { body: { checkins } });
export interface Checkout {
  id: string;
  venueId: string;
  checkedInAt: string;
  checkedOutAt: string;
}
export const checkOutVisitor = (venueId: string, checkinId: string) => request<Checkout>('POST', `/api/venues/${enc(venueId)}/checkins/${enc(checkinId)}/checkout`, { body: {} });
export const getVisitors = (venueId: string, date: string | undefined, signal?: AbortSignal) =>
  request<Visitors>('GET', `/api/venues/${enc(venueId)}/visitors`, { query: { date }, signal });

// ---- citizen ----
export const selfCheckin = (body: { venueToken?: string; venueId?: string; clientId: string; checkedInAt: string }) =>
  request<SelfCheckinResult>('POST', '/api/me/checkins', { body });
export interface MyCheckin {
  id: string;
  venueId: string;
  venueName: string;
  venueType: string;
  areaCode: string;
  checkedInAt: string;
  checkedOutAt: string | null;
}
export const getMyCheckins = (signal?: AbortSignal) => request<{ items: MyCheckin[]; hasMore: boolean; retentionDays: number }>('GET', '/api/me/checkins', { signal });
/** Leaving a venue: closes my own open check-in now. */
export const checkOutMe = (checkinId: string) => request<Checkout>('POST', `/api/me/checkins/${enc(checkinId)}/checkout`, { body: {} });
export const getMyQr = (signal?: AbortSignal) => request<QrToken>('GET', '/api/me/qr', { signal });
export const rotateMyQr = () => request<QrToken>('POST', '/api/me/qr/rotate');
export const MY_QR_CARD_URL = '/api/me/qr-card.pdf';
/** A person's printable QR card, for staff who may read the person (each download is a fresh token; audited). */
export const personQrCardUrl = (personId: string) => `/api/people/${enc(personId)}/qr-card.pdf`;
export interface QrColour {
  colour: 'green' | 'black';
  certificateId: string | null;
  ruleId: string | null;
  ruleVersion: string;
  description: { vi: string; en: string } | null;
  at: string;
}
export const getMyQrColour = (signal?: AbortSignal) => request<QrColour>('GET', '/api/me/qr-colour', { signal });

export interface MyCertificate {
  id: string;
  kind: string;
  uvci: string;
  product: string | null;
  doseNumber: number | null;
  seriesDoses: number | null;
  eventOn: string;
  issuedAt: string;
  expiresAt: string;
  status: 'valid' | 'revoked' | 'superseded';
  hcert: string | null;
}
export const getMyCertificates = (signal?: AbortSignal) => request<{ items: MyCertificate[] }>('GET', '/api/me/certificates', { signal });
export const myCertificatePdfUrl = (id: string) => `/api/me/certificates/${enc(id)}/pdf`;

// ---- declarations ----
export interface CodeLabel {
  code: string;
  vi: string;
  en: string;
  warning?: boolean;
}
export interface DeclarationCodes {
  symptoms: CodeLabel[];
  exposures: CodeLabel[];
  vehicles: CodeLabel[];
  entryTransports: CodeLabel[];
  warningReasons: CodeLabel[];
}
export interface Declaration {
  id: string;
  personId: string;
  kind: 'daily' | 'domestic_travel' | 'entry';
  declaredFor: string;
  symptoms: string[];
  answers: Record<string, unknown>;
  warnings: string[];
  alertId: string | null;
  onBehalf: boolean;
  createdAt: string;
  duplicate?: boolean;
}
export const getDeclarationCodes = (signal?: AbortSignal) => request<DeclarationCodes>('GET', '/api/declarations/codes', { signal });
export const submitMyDeclaration = (body: Record<string, unknown>) => request<Declaration>('POST', '/api/me/declarations', { body });
export const getMyDeclarations = (signal?: AbortSignal) => request<{ items: Declaration[] }>('GET', '/api/me/declarations', { signal });
/** Staff declaring for a person (people:write where they live), and that person's declarations (people:read). */
export const submitPersonDeclaration = (personId: string, body: Record<string, unknown>) => request<Declaration>('POST', `/api/people/${enc(personId)}/declarations`, { body });
export const getPersonDeclarations = (personId: string, signal?: AbortSignal) => request<{ items: Declaration[] }>('GET', `/api/people/${enc(personId)}/declarations`, { signal });

// ---- tracing ----
export interface DeclarationAlert {
  id: string;
  declarationId: string;
  declarationKind: string;
  personId: string;
  fullName: string;
  phone: string | null;
  communeCode: string | null;
  reasons: string[];
  symptoms: string[];
  status: 'open' | 'acknowledged' | 'closed';
  note: string | null;
  createdAt: string;
  version: number;
}
export const listAlerts = (query: { status?: string; limit?: number }, signal?: AbortSignal) =>
  request<{ items: DeclarationAlert[]; nextBefore: string | null }>('GET', '/api/declaration-alerts', { query, signal });
export const updateAlert = (id: string, body: { version: number; status: 'acknowledged' | 'closed'; note?: string }) =>
  request<DeclarationAlert>('PATCH', `/api/declaration-alerts/${enc(id)}`, { body });

export type TraceRule = { kind: 'window'; minutes: number; highRiskMinutes?: number } | { kind: 'overlap'; minMinutes: number; highRiskMinutes?: number };
export interface TraceVisit {
  checkinId: string;
  venueId: string;
  venueName: string | null;
  venueType: string | null;
  communeCode: string | null;
  start: string;
  end: string;
  endEstimated: boolean;
  contacts: number;
}
export interface Candidate {
  id: string;
  rank: number;
  generation: number;
  /** For a second-degree (F2) candidate: the confirmed F1 contact they were found through. */
  viaContactId: string | null;
  maskedName: string;
  score: number;
  risk: 'high' | 'low';
  contactCount: number;
  distinctVisits: number;
  overlapMinutes: number;
  exposureStart: string;
  exposureEnd: string;
  venueIds: string[];
  bestVenueId: string | null;
  status: 'pending' | 'confirmed' | 'dismissed';
  contactId: string | null;
  opened: boolean;
}
export interface OpenedCandidate extends Candidate {
  personId: string;
  fullName: string | null;
  birthDate: string | null;
  phone: string | null;
  communeCode: string | null;
  inRegistry: boolean;
}
export interface TraceRun {
  id: string;
  indexPersonId: string;
  indexPersonName: string;
  windowFrom: string;
  windowTo: string;
  testDate: string | null;
  rule: Record<string, unknown>;
  reason: string;
  createdAt: string;
  visits: TraceVisit[];
  candidateCount: number;
  secondDegree: { status: 'queued' | 'done' | 'failed' | null; limits: SecondDegreeLimits | null; summary: SecondDegreeSummary | null };
  candidates: Candidate[];
  nextOffset: number | null;
}
export interface SecondDegreeLimits {
  perF1Limit: number;
  totalLimit: number;
}
export interface SecondDegreeSummary {
  f1: number;
  candidates: number;
  cutPerF1: number;
  cutTotal: boolean;
}
export interface TraceVenue {
  venueId: string;
  name: string | null;
  type: string | null;
  communeCode: string | null;
  communeName: string | null;
  provinceCode: string | null;
  provinceName: string | null;
  latitude: number | null;
  longitude: number | null;
  visits: number;
  firstVisit: string;
  lastVisit: string;
  contacts: number;
}
export interface Contact {
  id: string;
  contactPersonId: string;
  contactName: string;
  generation: number;
  exposureStart: string;
  exposureMinutes: number;
  venueId: string | null;
  source: string;
  risk: string | null;
  status: string;
  confirmedAt: string;
  created: boolean;
}
export const runTrace = (body: { personId: string; testDate?: string; days?: number; rule?: TraceRule; reason: string }) => request<TraceRun>('POST', '/api/tracing/runs', { body });
/** Listing a person's runs is a tracing query of its own: it states why (audited). */
export const listRuns = (personId: string, reason: string, signal?: AbortSignal) =>
  request<{ items: { id: string; windowFrom: string; windowTo: string; reason: string; candidateCount: number; createdAt: string }[] }>('GET', '/api/tracing/runs', { query: { personId, reason }, signal });
export const getRun = (id: string, query: { generation?: '1' | '2'; offset?: number; limit?: number }, signal?: AbortSignal) => request<TraceRun>('GET', `/api/tracing/runs/${enc(id)}`, { query, signal });
/** Queues the second-degree (F2) search from the run's confirmed F1 contacts. */
export const requestSecondDegree = (runId: string) =>
  request<{ runId: string; jobId: string | null; status: string; limits: SecondDegreeLimits }>('POST', `/api/tracing/runs/${enc(runId)}/second-degree`, { body: {} });
export const getRunVenues = (id: string, signal?: AbortSignal) => request<{ runId: string; items: TraceVenue[] }>('GET', `/api/tracing/runs/${enc(id)}/venues`, { signal });
export const openCandidate = (runId: string, candidateId: string) => request<OpenedCandidate>('GET', `/api/tracing/runs/${enc(runId)}/candidates/${enc(candidateId)}`);
export const confirmCandidate = (runId: string, candidateId: string, note?: string) =>
  request<Contact>('POST', `/api/tracing/runs/${enc(runId)}/candidates/${enc(candidateId)}/confirm`, { body: note ? { note } : {} });
export const dismissCandidate = (runId: string, candidateId: string) => request<{ id: string; status: string }>('POST', `/api/tracing/runs/${enc(runId)}/candidates/${enc(candidateId)}/dismiss`);
export const listContacts = (indexPersonId: string, reason: string, signal?: AbortSignal) =>
  request<{ items: Contact[] }>('GET', '/api/tracing/contacts', { query: { indexPersonId, reason }, signal });

// ---- checkpoints ----
export interface Checkpoint {
  id: string;
  name: string;
  communeCode: string;
  qrToken: string;
  active: boolean;
  createdAt: string;
}
export const listCheckpoints = (signal?: AbortSignal) => request<{ items: Checkpoint[] }>('GET', '/api/checkpoints', { signal });
export const getCheckpoint = (id: string, signal?: AbortSignal) => request<Checkpoint>('GET', `/api/checkpoints/${enc(id)}`, { signal });
export const createCheckpoint = (body: { name: string; areaCode: string }) => request<Checkpoint>('POST', '/api/checkpoints', { body });

/** What a checkpoint's printed QR holds: a link to the citizen's page, so a phone's own camera app opens it too. */
export const checkpointQrText = (token: string, origin = location.origin) => `${origin}/pass?cp=${encodeURIComponent(token)}`;
const CHECKPOINT_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;
/** The token in a scanned checkpoint QR (the link, or the bare token); null for anything else, such as a venue poster. */
export function checkpointTokenOf(text: string): string | null {
  const trimmed = text.trim();
  if (CHECKPOINT_TOKEN.test(trimmed)) return trimmed;
  try {
    const url = new URL(trimmed);
    const token = url.pathname === '/pass' ? url.searchParams.get('cp') : null;
    return token && CHECKPOINT_TOKEN.test(token) ? token : null;
  } catch {
    return null;
  }
}
export interface CitizenPassage {
  checkpoint: { name: string };
  valid: boolean;
  failureReason: string | null;
  reason: string | null;
  holder: { name: string; nameTransliterated: string; dob: string } | null;
  passageId: string;
  at: string;
}
/** The citizen shows their certificate at a checkpoint: the server verifies it again and logs the passage (hash only). */
export const recordMyPassage = (body: { token: string; hc1: string }) => request<CitizenPassage>('POST', '/api/me/checkpoint-passages', { body });
export const recordPassage = (checkpointId: string, body: { result: 'pass' | 'fail'; failureReason?: string; certificateHash?: string; passedAt?: string }) =>
  request<{ id: string }>('POST', `/api/checkpoints/${enc(checkpointId)}/passages`, { body });

/** A client id for an idempotent write: UUID when the browser has it (secure contexts), else random enough. */
export function newClientId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
