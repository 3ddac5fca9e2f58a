import type { Database } from '@sen/db';
import {
  badRequest, checkNationalId, cleanPersonName, cleanText, conflict, formatPartialDate, forbidden, normalisePhone, parsePartialDate,
  type AppError, type NationalIdKind, type Sex,
} from '@sen/domain';
import type { RequestContext } from '../../context';
import { canAccessArea } from '../access/authorize';
import { findAreaByCode } from '../areas/repo';
import { findHouseholdRow, identifierHolder } from './repo';

/** A 400 that names one field the way the validation errors of the HTTP layer do, so clients place it the same way. */
export function fieldError(code: string, field: string, message: string, extra: Record<string, unknown> = {}): AppError {
  return badRequest(code, `${field}: ${message}`, { field, errors: [{ field, message }], ...extra });
}

export function cleanName(raw: string, field = 'fullName'): string {
  const res = cleanPersonName(raw);
  if (!res.ok) throw fieldError('invalid_name', field, `The name ${res.reason}`);
  return res.value;
}

/** Optional free text: empty means "none". */
export function cleanOptionalText(raw: string | null | undefined, field: string, maxLength: number): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const res = cleanText(raw, maxLength);
  if (!res.ok) throw fieldError('invalid_text', field, `The text ${res.reason}`);
  return res.value;
}

/** A partial ISO date of birth ('1990', '1990-03', '1990-03-07'), real and not in the future; empty means unknown. */
export function cleanBirthDate(raw: string | null | undefined, now: Date = new Date()): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const valid = parsePartialDate(raw, new Date(8.64e15));
  if (!valid) throw fieldError('invalid_birth_date', 'birthDate', 'Give a real date as YYYY, YYYY-MM or YYYY-MM-DD (from 1880)');
  if (!parsePartialDate(raw, now)) throw fieldError('invalid_birth_date', 'birthDate', 'The date of birth is in the future');
  return formatPartialDate(valid);
}

export function cleanPhone(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const phone = normalisePhone(raw);
  if (!phone) throw fieldError('invalid_phone', 'phone', 'Give a Vietnamese mobile number: 10 digits starting 03, 05, 07, 08 or 09 (or +84)');
  return phone;
}

export interface IdentifierInput {
  kind: NationalIdKind;
  value: string;
}

/**
 * Checks each identifier against its format and, for a CCCD, against the birth year and sex. `fieldOf` names the
 * field to blame: the identifier itself, or the birth date when only the date changed.
 */
export function cleanIdentifiers(list: readonly IdentifierInput[], ctx: { birthDate: string | null; sex: Sex }, fieldOf: (index: number) => string = (i) => `identifiers.${i}.value`): IdentifierInput[] {
  const birthYear = ctx.birthDate ? Number(ctx.birthDate.slice(0, 4)) : null;
  const seen = new Set<string>();
  return list.map((id, i) => {
    const res = checkNationalId(id.kind, id.value, { birthYear, sex: ctx.sex });
    if (!res.ok) throw fieldError('invalid_identifier', fieldOf(i), res.reason, { kind: id.kind });
    const key = `${id.kind}:${res.value}`;
    if (seen.has(key)) throw fieldError('invalid_identifier', fieldOf(i), 'The same identifier is given twice', { kind: id.kind });
    seen.add(key);
    // One CCCD number is kept for life: two on one record is a typing error.
    if (id.kind === 'cccd' && [...seen].filter((k) => k.startsWith('cccd:')).length > 1) {
      throw fieldError('invalid_identifier', fieldOf(i), 'A person has only one CCCD number', { kind: id.kind });
    }
    return { kind: id.kind, value: res.value };
  });
}

/** The commune a record is placed in: it must exist, be a commune, and lie in the actor's jurisdiction for `scope`. */
export async function resolveCommune(db: Database, ctx: RequestContext, code: string | null, scope: 'people:write'): Promise<{ code: string | null; path: string | null }> {
  if (code === null) {
    // A record with no commune is visible to country-level grants only, so only they may make one.
    if (!canAccessArea(ctx, scope, null)) throw forbidden('Only country-level staff can keep a record without a commune', { field: 'communeCode' });
    return { code: null, path: null };
  }
  const area = await findAreaByCode(db, code);
  if (!area) throw fieldError('unknown_commune', 'communeCode', `There is no area with the code ${code}`);
  if (area.kind !== 'commune') throw fieldError('not_a_commune', 'communeCode', `${area.fullName} is a ${area.kind}, not a commune`);
  if (!canAccessArea(ctx, scope, area.path)) throw forbidden('This commune is outside your jurisdiction', { field: 'communeCode', scope });
  return { code, path: area.path };
}

export const HOUSEHOLD_ROLES = ['head', 'spouse', 'child', 'parent', 'sibling', 'grandparent', 'grandchild', 'other'] as const;
export type HouseholdRole = (typeof HOUSEHOLD_ROLES)[number];

/** A household a person joins: it must exist and lie in the actor's people:write jurisdiction (else it is "unknown"). */
export async function resolveHousehold(db: Database, ctx: RequestContext, id: string | null): Promise<string | null> {
  if (id === null) return null;
  const row = await findHouseholdRow(db, id);
  if (!row || !canAccessArea(ctx, 'people:write', row.area_path)) throw fieldError('unknown_household', 'householdId', 'There is no such household in your jurisdiction');
  return row.id;
}

/**
 * Refuses identifiers someone else already holds: 409 duplicate_identifier, with the holder's id only when the actor
 * may read that record (otherwise the id would reveal a person outside their jurisdiction).
 */
export async function assertIdentifiersFree(db: Database, ctx: RequestContext, list: readonly IdentifierInput[], selfId: string | null, indexOf: (i: number) => number = (i) => i): Promise<void> {
  for (const [i, id] of list.entries()) {
    const holder = await identifierHolder(db, id.kind, id.value);
    if (holder && holder.personId !== selfId) throw duplicateIdentifier(ctx, id, `identifiers.${indexOf(i)}.value`, holder.personId, holder.areaPath);
  }
}

export function duplicateIdentifier(ctx: RequestContext, id: IdentifierInput, field: string, holderId: string, holderPath: string | null): AppError {
  const visible = canAccessArea(ctx, 'people:read', holderPath);
  return conflict('duplicate_identifier', `Another person already has this ${id.kind.toUpperCase()} number`, {
    field,
    kind: id.kind,
    errors: [{ field, message: 'Another person already has this number' }],
    ...(visible ? { existingPersonId: holderId } : {}),
  });
}
