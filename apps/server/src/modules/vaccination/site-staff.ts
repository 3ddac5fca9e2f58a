import { type Database, type DB, type Transaction } from '@sen/db';
import { notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { findPersonRow } from '../people/repo';
import { fieldError, loadSiteFor } from './sites-repo';
import type { StaffRole } from './sites-schemas';

type Db = Database | Transaction<DB>;

export interface StaffInput {
  personId: string;
  role: StaffRole;
  userId?: string | null | undefined;
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

async function staffRows(db: Db, siteId: string, personId?: string) {
  let q = db
    .selectFrom('site_staff as st')
    .innerJoin('people as p', 'p.id', 'st.person_id')
    .select(['st.site_id', 'st.person_id', 'p.full_name', 'st.user_id', 'st.role', 'st.active', 'st.added_at'])
    .where('st.site_id', '=', siteId);
  if (personId) q = q.where('st.person_id', '=', personId);
  const rows = await q.orderBy('p.search_name').orderBy('st.person_id').execute();
  return rows.map((r) => ({ siteId: r.site_id, personId: r.person_id, fullName: r.full_name, userId: r.user_id, role: r.role as StaffRole, active: r.active, addedAt: iso(r.added_at) }));
}

/**
 * Adds a person of the registry to a site's staff with their usual role (again: changes the role, reactivates).
 * Staff are people (`people.id`), not accounts: volunteers and hospital staff who never sign in still work shifts and
 * must still be kept out of two places at once. The person's account, when they have one, is linked by `userId`
 * (default: the account linked to the person). The actor needs vaccination:write on the site and must be able to
 * read the person (people:read), else the person is not found.
 */
export async function addStaff(deps: Deps, ctx: RequestContext, siteId: string, input: StaffInput) {
  return deps.db.transaction().execute(async (trx) => {
    const site = await loadSiteFor(trx, ctx, siteId, 'vaccination:write');
    const person = await findPersonRow(trx as unknown as Database, input.personId);
    if (!person || !canAccessArea(ctx, 'people:read', person.area_path)) throw notFound('Person', { field: 'personId' });
    if (person.merged_into) throw fieldError('merged_person', 'personId', `This record was merged into ${person.merged_into}; use that one`);
    let userId: string | null = null;
    if (input.userId) {
      const user = await trx.selectFrom('users').select(['id', 'person_id']).where('id', '=', input.userId).executeTakeFirst();
      if (!user || user.person_id !== person.id) throw fieldError('user_not_linked', 'userId', 'No account with this id is linked to this person');
      userId = user.id;
    } else if (input.userId === undefined) {
      userId = (await trx.selectFrom('users').select('id').where('person_id', '=', person.id).executeTakeFirst())?.id ?? null;
    }
    await trx
      .insertInto('site_staff')
      .values({ site_id: site.id, person_id: person.id, user_id: userId, role: input.role, added_by: ctx.actor?.userId ?? null })
      .onConflict((oc) => oc.columns(['site_id', 'person_id']).doUpdateSet({ role: input.role, user_id: userId, active: true }))
      .execute();
    await recordAudit(trx, ctx, { action: 'site.staff.add', entityType: 'vaccination_site', entityId: site.id, areaPath: site.area_path, details: { personId: person.id, role: input.role, userId } });
    return (await staffRows(trx, site.id, person.id))[0]!;
  });
}

export async function listStaff(deps: Deps, ctx: RequestContext, siteId: string) {
  const site = await loadSiteFor(deps.db, ctx, siteId, 'vaccination:read');
  return { items: await staffRows(deps.db, site.id) };
}

/** The active staff of a site among these people, with their usual role. */
export async function activeStaffRoles(db: Db, siteId: string, personIds: readonly string[]): Promise<Map<string, StaffRole>> {
  if (personIds.length === 0) return new Map();
  const rows = await db.selectFrom('site_staff').select(['person_id', 'role']).where('site_id', '=', siteId).where('person_id', 'in', [...personIds]).where('active', '=', true).execute();
  return new Map(rows.map((r) => [r.person_id, r.role as StaffRole]));
}
