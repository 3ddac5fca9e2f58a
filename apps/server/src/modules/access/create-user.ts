import { uuidv7, type Database } from '@sen/db';
import { AppError, badRequest, conflict, forbidden, ROLE_BY_CODE } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, COUNTRY_PATH } from './authorize';
import { checkPasswordStrength, hashPassword } from './passwords';
import { recordAudit } from './record-audit';

export interface RoleAssignment {
  role: string;
  areaCode: string;
}

export interface CreateUserInput {
  username: string;
  displayName: string;
  password: string;
  roles: RoleAssignment[];
  personId?: string | null;
}

async function resolveAreaPath(db: Database, areaCode: string): Promise<string> {
  const area = await db.selectFrom('areas').select('path').where('code', '=', areaCode).executeTakeFirst();
  if (!area) throw badRequest('unknown_area', `Area ${areaCode} does not exist`, { field: 'areaCode', areaCode });
  return area.path;
}

/**
 * Checks that an actor may hand out these roles: only inside their own users:manage jurisdiction, and never a role
 * with a scope they do not hold there themselves (no one can make someone more powerful than they are).
 * The system context (CLI) may do anything.
 */
export async function resolveAssignments(deps: Deps, ctx: RequestContext, roles: RoleAssignment[]): Promise<{ role: string; areaCode: string; areaPath: string }[]> {
  const out = [];
  for (const r of roles) {
    const def = ROLE_BY_CODE.get(r.role);
    if (!def) throw badRequest('unknown_role', `Role ${r.role} does not exist`, { field: 'roles', role: r.role });
    const areaPath = await resolveAreaPath(deps.db, r.areaCode);
    if (ctx.actor) {
      if (!canAccessArea(ctx, 'users:manage', areaPath)) throw forbidden('You can only give roles inside your jurisdiction', { areaCode: r.areaCode });
      for (const scope of def.scopes) {
        if (!canAccessArea(ctx, scope, areaPath)) throw forbidden(`You cannot give the role ${r.role}: it carries ${scope}, which you do not hold there`, { role: r.role, scope });
      }
    }
    out.push({ role: r.role, areaCode: r.areaCode, areaPath });
  }
  return out;
}

export async function createUser(deps: Deps, ctx: RequestContext, input: CreateUserInput): Promise<{ id: string }> {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9._-]{3,64}$/.test(username)) {
    throw badRequest('invalid_username', 'A username has 3 to 64 letters, digits, dots, dashes or underscores', { field: 'username' });
  }
  checkPasswordStrength(input.password);
  if (ctx.actor && !ctx.actor.grants.get('users:manage')) throw forbidden('This needs the permission users:manage');
  const assignments = await resolveAssignments(deps, ctx, input.roles);
  const passwordHash = await hashPassword(input.password);
  const id = uuidv7();
  await deps.db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    if (taken) throw conflict('username_taken', `The username ${username} is taken`, { field: 'username' });
    if (input.personId) {
      const person = await trx.selectFrom('people').select(['id', 'merged_into']).where('id', '=', input.personId).executeTakeFirst();
      if (!person || person.merged_into) throw badRequest('unknown_person', 'The person to link does not exist', { field: 'personId' });
      const linked = await trx.selectFrom('users').select('id').where('person_id', '=', input.personId).executeTakeFirst();
      if (linked) throw conflict('person_already_linked', 'This person already has an account', { field: 'personId' });
    }
    await trx
      .insertInto('users')
      .values({ id, username, display_name: input.displayName.normalize('NFC').trim(), password_hash: passwordHash, person_id: input.personId ?? null })
      .execute();
    if (assignments.length) {
      await trx
        .insertInto('user_roles')
        .values(assignments.map((a) => ({ user_id: id, role_code: a.role, area_code: a.areaCode, area_path: a.areaPath, granted_by: ctx.actor?.userId ?? null })))
        .execute();
    }
    await recordAudit(trx, ctx, { action: 'user.create', entityType: 'user', entityId: id, areaPath: assignments[0]?.areaPath ?? COUNTRY_PATH, details: { username, roles: assignments.map((a) => `${a.role}@${a.areaCode}`) } });
  });
  return { id };
}

export function assertNotSelf(ctx: RequestContext, userId: string): void {
  if (ctx.actor?.userId === userId) throw new AppError('self_change', 'Change your own roles through another administrator', {}, 403);
}
