import type { Database } from '@sen/db';
import { badRequest, forbidden, pointProblem, toNfc, type AppError, type Scope } from '@sen/domain';
import type { RequestContext } from '../../context';
import { canAccessArea } from '../access/authorize';
import { findAreaByCode } from '../areas/repo';
import { MAX_DEFAULT_VISIT_MINUTES, MIN_VISIT_MINUTES, VENUE_TYPES, type VenueType } from './venues-repo';

export function venueFieldError(code: string, field: string, message: string, extra: Record<string, unknown> = {}): AppError {
  return badRequest(code, `${field}: ${message}`, { field, errors: [{ field, message }], ...extra });
}

export function cleanVenueName(raw: string): string {
  const name = toNfc(raw).replace(/\s+/g, ' ').trim();
  if (name.length < 1 || name.length > 200) throw venueFieldError('invalid_name', 'name', 'Give a name of 1 to 200 characters');
  return name;
}

export function cleanVenueType(raw: string): VenueType {
  if (!(VENUE_TYPES as readonly string[]).includes(raw)) throw venueFieldError('invalid_type', 'type', `One of ${VENUE_TYPES.join(', ')}`);
  return raw as VenueType;
}

export function cleanVisitMinutes(raw: number): number {
  if (!Number.isInteger(raw) || raw < MIN_VISIT_MINUTES || raw > MAX_DEFAULT_VISIT_MINUTES) {
    throw venueFieldError('invalid_default_visit', 'defaultVisitMinutes', `A whole number of minutes from ${MIN_VISIT_MINUTES} to ${MAX_DEFAULT_VISIT_MINUTES}`);
  }
  return raw;
}

export function cleanText(raw: string | null | undefined, field: string, max: number): string | null {
  if (raw === null || raw === undefined) return null;
  const text = toNfc(raw).trim();
  if (text.length > max) throw venueFieldError('too_long', field, `At most ${max} characters`);
  return text === '' ? null : text;
}

/** A venue's optional point: both or neither, inside Viet Nam's bounds (400 naming the field otherwise). */
export function cleanVenuePoint(latitude: number | null | undefined, longitude: number | null | undefined): { latitude: number | null; longitude: number | null } {
  const problem = pointProblem(latitude, longitude);
  if (problem) throw venueFieldError(problem.code, problem.field, problem.message);
  return { latitude: latitude ?? null, longitude: longitude ?? null };
}

/** A venue lies in one commune; the actor must hold `scope` there. */
export async function resolveVenueCommune(db: Database, ctx: RequestContext, code: string, scope: Scope): Promise<{ code: string; path: string }> {
  const area = await findAreaByCode(db, code);
  if (!area) throw venueFieldError('unknown_commune', 'communeCode', `There is no area with the code ${code}`);
  if (area.kind !== 'commune') throw venueFieldError('not_a_commune', 'communeCode', `${area.fullName} is a ${area.kind}, not a commune`);
  if (!canAccessArea(ctx, scope, area.path)) throw forbidden('This commune is outside your jurisdiction', { field: 'communeCode', scope });
  return { code, path: area.path };
}

/** The owner account must exist and be enabled. */
export async function resolveOwner(db: Database, userId: string): Promise<string> {
  const row = await db.selectFrom('users').select(['id', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
  if (!row || row.disabled_at) throw venueFieldError('unknown_owner', 'ownerUserId', 'There is no such active account');
  return row.id;
}
