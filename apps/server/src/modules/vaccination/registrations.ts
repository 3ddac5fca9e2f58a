import { z } from 'zod';
import { sql, type Database, type Transaction, type DB } from '@sen/db';
import { AppError, conflict, findVaccine, forbidden, notFound, shiftDay, vnToday } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, jurisdictionSql, requireActor, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { findAreaByCode } from '../areas/repo';
import { activeCatalog } from './catalog-store';
import { cleanNote } from './ledger';
import { fieldError, findSite } from './sites-repo';

type Db = Database | Transaction<DB>;

const registrationShape = {
  id: z.uuid().describe('Made by the client: sending the same registration again returns it instead of a second one'),
  areaCode: z.string().regex(/^\d{5}$/, 'a commune code has 5 digits').optional().describe('Commune where the dose is wanted (the site\'s commune when siteId is given)'),
  siteId: z.uuid().optional(),
  preferredDate: z.iso.date().optional(),
  product: z.string().regex(/^[a-z0-9_]{1,40}$/).optional().describe('Preferred vaccine (catalog code)'),
  priorityGroup: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/).optional(),
  note: z.string().max(1000).optional(),
};
export const SelfRegistrationIn = z.strictObject(registrationShape).meta({ id: 'SelfRegistration' });
export const StaffRegistrationIn = z.strictObject({ ...registrationShape, personId: z.uuid() }).meta({ id: 'StaffRegistration' });
export type RegistrationInput = z.infer<typeof SelfRegistrationIn>;

export const RegistrationOut = z.object({
  id: z.string(), personId: z.string(), fullName: z.string().optional(), areaCode: z.string(), siteId: z.string().nullable(), preferredDate: z.string().nullable(),
  product: z.string().nullable(), priorityGroup: z.string().nullable(), source: z.string(), status: z.string(), note: z.string().nullable(), createdAt: z.string(),
}).meta({ id: 'Registration' });

interface RegistrationRow {
  id: string; person_id: string; area_code: string; area_path: string; site_id: string | null; preferred_date: string | null; product: string | null;
  priority_group: string | null; source: string; status: string; note: string | null; created_at: Date; full_name?: string;
}

function selectRegistrations(db: Db) {
  return db.selectFrom('vaccination_registrations as r').select([
    'r.id', 'r.person_id', 'r.area_code', sql<string>`r.area_path::text`.as('area_path'), 'r.site_id', sql<string | null>`r.preferred_date::text`.as('preferred_date'),
    'r.product', 'r.priority_group', 'r.source', 'r.status', 'r.note', 'r.created_at',
  ]);
}

function view(r: RegistrationRow) {
  return {
    id: r.id, personId: r.person_id, ...(r.full_name !== undefined ? { fullName: r.full_name } : {}), areaCode: r.area_code, siteId: r.site_id, preferredDate: r.preferred_date,
    product: r.product, priorityGroup: r.priority_group, source: r.source, status: r.status, note: r.note, createdAt: r.created_at.toISOString(),
  };
}

/** The person an account stands for, following merges to the surviving record; 404 when the account has none. */
export async function ownPersonId(db: Db, ctx: RequestContext): Promise<string> {
  const actor = requireActor(ctx);
  scopePaths(ctx, 'self:read');
  const notLinked = () => new AppError('not_linked', 'Your account is not linked to a person record yet', {}, 404);
  let id = actor.personId;
  for (let hops = 0; id && hops < 10; hops++) {
    const row = await db.selectFrom('people').select('merged_into').where('id', '=', id).executeTakeFirst();
    if (!row) throw notLinked();
    if (!row.merged_into) return id;
    id = row.merged_into;
  }
  throw notLinked();
}

async function createRegistration(deps: Deps, ctx: RequestContext, personId: string, input: RegistrationInput, source: 'self' | 'staff') {
  const note = cleanNote(input.note, 'note', 1000);
  let areaCode = input.areaCode ?? null;
  let areaPath: string;
  if (input.siteId) {
    const site = await findSite(deps.db, input.siteId);
    if (!site || !site.active) throw fieldError('unknown_site', 'siteId', 'No open vaccination site has this id');
    if (areaCode && areaCode !== site.area_code) throw fieldError('site_not_in_area', 'areaCode', 'The site is in another commune');
    areaCode = site.area_code;
    areaPath = site.area_path;
  } else {
    if (!areaCode) throw fieldError('area_required', 'areaCode', 'Say the commune (or the site) where you want the dose');
    const area = await findAreaByCode(deps.db, areaCode);
    if (!area) throw fieldError('unknown_area', 'areaCode', 'No area has this code');
    if (area.kind !== 'commune') throw fieldError('not_a_commune', 'areaCode', `A registration names a commune, not a ${area.kind}`);
    areaPath = area.path;
  }
  if (input.preferredDate) {
    const today = vnToday();
    const limit = shiftDay(today, 366);
    if (input.preferredDate < today) throw fieldError('date_in_past', 'preferredDate', 'The preferred date is in the past');
    if (input.preferredDate > limit) throw fieldError('date_too_far', 'preferredDate', 'The preferred date is more than a year ahead');
  }
  if (input.product && !findVaccine(await activeCatalog(deps.db), input.product)) throw fieldError('unknown_vaccine', 'product', 'This vaccine is not in the catalog in force');
  if (input.priorityGroup) {
    const g = await deps.db.selectFrom('priority_groups').select('active').where('code', '=', input.priorityGroup).executeTakeFirst();
    if (!g?.active) throw fieldError('unknown_group', 'priorityGroup', 'No active priority group has this code');
  }
  return deps.db.transaction().execute(async (trx) => {
    const same = await selectRegistrations(trx).where('r.id', '=', input.id).executeTakeFirst();
    if (same) {
      if (same.person_id !== personId) throw conflict('id_conflict', 'This registration id is already used for another registration');
      return { created: false, registration: view(same) };
    }
    const open = await trx.selectFrom('vaccination_registrations').select('id').where('person_id', '=', personId).where('status', '=', 'active').executeTakeFirst();
    if (open) throw conflict('already_registered', 'This person already has an open registration; cancel it first', { registrationId: open.id });
    await trx.insertInto('vaccination_registrations').values({
      id: input.id, person_id: personId, area_code: areaCode!, area_path: areaPath, site_id: input.siteId ?? null, preferred_date: input.preferredDate ?? null,
      product: input.product ?? null, priority_group: input.priorityGroup ?? null, source, note, created_by: ctx.actor?.userId ?? null,
    }).execute();
    await recordAudit(trx, ctx, { action: 'registration.create', entityType: 'vaccination_registration', entityId: input.id, areaPath, details: { personId, source, siteId: input.siteId ?? null } });
    return { created: true, registration: view((await selectRegistrations(trx).where('r.id', '=', input.id).executeTakeFirst())!) };
  });
}

/** A citizen registers themselves. */
export async function registerSelf(deps: Deps, ctx: RequestContext, input: RegistrationInput) {
  const personId = await ownPersonId(deps.db, ctx);
  return createRegistration(deps, ctx, personId, input, 'self');
}

/** Staff register a person of their vaccination:write jurisdiction (by the person's home commune). */
export async function registerForPerson(deps: Deps, ctx: RequestContext, input: z.infer<typeof StaffRegistrationIn>) {
  scopePaths(ctx, 'vaccination:write');
  const person = await deps.db.selectFrom('people').select(['id', sql<string | null>`area_path::text`.as('area_path'), 'merged_into']).where('id', '=', input.personId).executeTakeFirst();
  if (!person || !canAccessArea(ctx, 'vaccination:read', person.area_path)) throw notFound('Person');
  if (!canAccessArea(ctx, 'vaccination:write', person.area_path)) throw forbidden('This person is outside your jurisdiction', { scope: 'vaccination:write' });
  if (person.merged_into) throw conflict('person_merged', 'This record was merged into another; register the surviving record', { survivorId: person.merged_into });
  const { personId: _drop, ...rest } = input;
  return createRegistration(deps, ctx, person.id, rest, 'staff');
}

export const RegistrationsIn = z.strictObject({
  area: z.string().regex(/^(VN|\d{2,5})$/).optional(),
  status: z.enum(['active', 'cancelled', 'done']).optional(),
  siteId: z.uuid().optional(),
  personId: z.uuid().optional().describe("One person's registrations (their record's page)"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

/** Registrations in the actor's jurisdiction (by the commune where the dose is wanted), with names: audited. */
export async function listRegistrations(deps: Deps, ctx: RequestContext, input: z.infer<typeof RegistrationsIn>) {
  let q = selectRegistrations(deps.db).innerJoin('people as p', 'p.id', 'r.person_id').select('p.full_name').where(jurisdictionSql(ctx, 'vaccination:read', 'r.area_path'));
  if (input.area) {
    const area = await findAreaByCode(deps.db, input.area);
    if (!area) return { items: [], hasMore: false };
    q = q.where(sql<boolean>`r.area_path <@ ${area.path}::ltree`);
  }
  if (input.status) q = q.where('r.status', '=', input.status);
  if (input.siteId) q = q.where('r.site_id', '=', input.siteId);
  if (input.personId) q = q.where('r.person_id', '=', input.personId);
  const rows = await q.orderBy('r.created_at').orderBy('r.id').limit(input.limit + 1).offset(input.offset).execute();
  const items = rows.slice(0, input.limit);
  await recordAudit(deps.db, ctx, { action: 'registration.list', entityType: 'vaccination_registration', details: { count: items.length, area: input.area ?? null, personId: input.personId ?? null } });
  return { items: items.map(view), hasMore: rows.length > input.limit };
}

/** The citizen's own registrations and invitations. */
export async function myRegistrations(deps: Deps, ctx: RequestContext) {
  const personId = await ownPersonId(deps.db, ctx);
  const rows = await selectRegistrations(deps.db).where('r.person_id', '=', personId).orderBy('r.created_at', 'desc').limit(100).execute();
  const invitations = await sql<{ id: string; session_id: string; status: string; session_date: string; starts_at: Date; ends_at: Date; site_name: string; site_address: string | null }>`
    SELECT i.id, i.session_id, i.status, s.session_date::text AS session_date, s.starts_at, s.ends_at, v.name AS site_name, v.address AS site_address
      FROM vaccination_invitations i JOIN vaccination_sessions s ON s.id = i.session_id JOIN vaccination_sites v ON v.id = s.site_id
     WHERE i.person_id = ${personId} ORDER BY s.starts_at DESC LIMIT 100`.execute(deps.db);
  await recordAudit(deps.db, ctx, { action: 'registration.read', entityType: 'person', entityId: personId, details: { via: 'self' } });
  return {
    items: rows.map(view),
    invitations: invitations.rows.map((i) => ({ id: i.id, sessionId: i.session_id, status: i.status, sessionDate: i.session_date, startsAt: i.starts_at.toISOString(), endsAt: i.ends_at.toISOString(), siteName: i.site_name, siteAddress: i.site_address })),
  };
}

/** Cancels an open registration: the citizen their own, staff one in their vaccination:write jurisdiction. */
export async function cancelRegistration(deps: Deps, ctx: RequestContext, id: string) {
  const actor = requireActor(ctx);
  const row = await selectRegistrations(deps.db).where('r.id', '=', id).executeTakeFirst();
  const own = row !== undefined && actor.grants.get('self:read')?.length ? row.person_id === (await ownPersonId(deps.db, ctx).catch(() => null)) : false;
  if (!row || (!own && !canAccessArea(ctx, 'vaccination:read', row.area_path))) throw notFound('Registration');
  if (!own && !canAccessArea(ctx, 'vaccination:write', row.area_path)) throw forbidden('This registration is outside your jurisdiction', { scope: 'vaccination:write' });
  if (row.status !== 'active') throw conflict('not_active', `The registration is already ${row.status}`);
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('vaccination_registrations').set({ status: 'cancelled', updated_at: sql`now()` }).where('id', '=', id).where('status', '=', 'active').execute();
    await recordAudit(trx, ctx, { action: 'registration.cancel', entityType: 'vaccination_registration', entityId: id, areaPath: row.area_path, details: { by: own ? 'self' : 'staff' } });
  });
  return view({ ...row, status: 'cancelled' });
}
