/**
 * The one place the web app talks to the server. Every call is same-origin JSON with the session cookie;
 * failures arrive as RFC 9457 problem+json and are turned into an ApiError carrying status, code and field errors.
 */

export type { Sex } from '@sen/domain';
import type { Identifier, Person, PersonSummary, Sex } from '@sen/domain';
export type AreaKind = 'country' | 'province' | 'district' | 'commune';

export interface UserRole {
  code: string;
  nameVi: string;
  nameEn: string;
  areaCode: string;
  areaName: string;
  areaPath: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  personId: string | null;
  roles: UserRole[];
  scopes: string[];
}

export interface Area {
  code: string;
  parentCode: string | null;
  path: string;
  level: number;
  kind: AreaKind;
  unitType: string;
  name: string;
  fullName: string;
  nameEn: string;
  population: number | null;
  /** "Phường Ba Đình, Thành phố Hà Nội"; null only for the country. */
  label: string | null;
}

export interface AreaDetail {
  area: Area;
  ancestors: Area[];
  children: Area[];
}

export type { Identifier, Person, PersonSummary } from '@sen/domain';

export interface PersonInput {
  fullName: string;
  birthDate?: string | null;
  sex: Sex;
  phone?: string | null;
  address?: string | null;
  communeCode?: string | null;
  identifiers?: Identifier[];
  householdId?: string | null;
}

export type PersonPatch = Partial<PersonInput> & { version: number };

export interface PeopleQuery {
  q?: string;
  idNumber?: string;
  phone?: string;
  birthYear?: string;
  area?: string;
  limit?: number;
  offset?: number;
}

export interface DuplicateCandidate {
  id: string;
  score: number;
  reasons: string[];
  status: string;
  personA: PersonSummary;
  personB: PersonSummary;
}

export interface AuditEvent {
  id: string;
  at: string;
  actorUsername: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  ip: string | null;
  details: unknown;
}

export interface AuditQuery {
  action?: string;
  entityType?: string;
  entityId?: string;
  actor?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export interface FieldError {
  field: string;
  message: string;
}

/** A failed request. `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  /** The whole problem document, for extension members such as `existingPersonId`. */
  readonly body: Record<string, unknown>;

  constructor(status: number, code: string, message: string, errors: FieldError[] = [], body: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.body = body;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => {};

/** Called when any request other than login or the session probe answers 401 (the session has ended). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

type Params = Record<string, string | number | null | undefined>;

function withQuery(path: string, params?: Params): string {
  if (!params) return path;
  const usp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    usp.set(k, String(v));
  }
  const qs = usp.toString();
  return qs ? `${path}?${qs}` : path;
}

function parseFieldErrors(raw: unknown): FieldError[] {
  if (!Array.isArray(raw)) return [];
  const out: FieldError[] = [];
  for (const e of raw) {
    if (e && typeof e === 'object') {
      const field = (e as { field?: unknown }).field;
      const message = (e as { message?: unknown }).message;
      out.push({ field: typeof field === 'string' ? field : '', message: typeof message === 'string' ? message : String(message ?? '') });
    }
  }
  return out;
}

/** `file` sends a file as the raw body (an upload) instead of JSON. */
export async function request<T>(method: string, path: string, options: { query?: Params; body?: unknown; file?: Blob; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (options.signal) init.signal = options.signal;
  if (options.file !== undefined) {
    headers['Content-Type'] = options.file.type || 'application/octet-stream';
    init.body = options.file;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'Network error');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const body = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
    const detail = typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : res.statusText;
    const code = typeof body.code === 'string' ? body.code : `http_${res.status}`;
    const err = new ApiError(res.status, code, detail || `HTTP ${res.status}`, parseFieldErrors(body.errors), body);
    if (res.status === 401 && path !== '/api/auth/login' && path !== '/api/auth/me') onUnauthorized();
    throw err;
  }
  return data as T;
}

// ---- auth ----
export const login = (username: string, password: string) => request<User>('POST', '/api/auth/login', { body: { username, password } });
export const logout = () => request<void>('POST', '/api/auth/logout');

/** The signed-in user, or null when there is no session. */
export async function getMe(): Promise<User | null> {
  try {
    return await request<User>('GET', '/api/auth/me');
  } catch (e) {
    if (isApiError(e) && e.status === 401) return null;
    throw e;
  }
}

// ---- areas ----
export const searchAreas = (params: { q?: string; parent?: string; kind?: AreaKind; limit?: number }, signal?: AbortSignal) =>
  request<{ items: Area[] }>('GET', '/api/areas', { query: params, signal });
export const getArea = (code: string, signal?: AbortSignal) => request<AreaDetail>('GET', `/api/areas/${encodeURIComponent(code)}`, { signal });

export interface ProvinceFeatureCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id?: string | number; properties: { code: string; name: string; [k: string]: unknown }; geometry: unknown }[];
}
export const getProvinceBoundaries = (signal?: AbortSignal) =>
  request<ProvinceFeatureCollection>('GET', '/api/areas/boundaries/provinces.geojson', { signal });

// ---- people ----
export const searchPeople = (params: PeopleQuery, signal?: AbortSignal) =>
  request<{ items: PersonSummary[]; hasMore: boolean }>('GET', '/api/people', { query: { ...params }, signal });
export const getPerson = (id: string, signal?: AbortSignal) => request<Person>('GET', `/api/people/${encodeURIComponent(id)}`, { signal });
export const createPerson = (input: PersonInput) => request<Person>('POST', '/api/people', { body: input });
export const updatePerson = (id: string, patch: PersonPatch) => request<Person>('PATCH', `/api/people/${encodeURIComponent(id)}`, { body: patch });

// ---- duplicates ----
export const listDuplicates = (params: { status?: string; limit?: number; offset?: number }, signal?: AbortSignal) =>
  request<{ items: DuplicateCandidate[] }>('GET', '/api/duplicates', { query: params, signal });
export const mergeDuplicate = (id: string, survivorId: string) =>
  request<{ survivorId: string; mergedId: string }>('POST', `/api/duplicates/${encodeURIComponent(id)}/merge`, { body: { survivorId } });
export const dismissDuplicate = (id: string) => request<unknown>('POST', `/api/duplicates/${encodeURIComponent(id)}/dismiss`);

// ---- audit ----
export const listAudit = (params: AuditQuery, signal?: AbortSignal) => request<{ items: AuditEvent[] }>('GET', '/api/audit', { query: { ...params }, signal });

// ---- self service ----
/** The citizen's own record, or null when the account is not linked to a person yet (404). */
export async function getMyPerson(signal?: AbortSignal): Promise<Person | null> {
  try {
    return await request<Person>('GET', '/api/me/person', { signal });
  } catch (e) {
    if (isApiError(e) && e.status === 404) return null;
    throw e;
  }
}
