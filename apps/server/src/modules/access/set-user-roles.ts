import { sql } from '@sen/db';
import { forbidden, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, scopePaths } from './authorize';
import { assertNotSelf, resolveAssignments, type RoleAssignment } from './create-user';
import { recordAudit } from './record-audit';
import { revokeSessionsOfUser } from './sessions';

/**
 * Replaces a user's roles. Every session of the user is revoked, so the new rights apply at their next sign-in
 * and never alongside the old ones. An administrator may only change users whose roles all lie inside their
 * jurisdiction.
 */
export async function setUserRoles(deps: Deps, ctx: RequestContext, userId: string, roles: RoleAssignment[]): Promise<void> {
  scopePaths(ctx, 'users:manage');
  assertNotSelf(ctx, userId);
  const user = await deps.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!user) throw notFound('User');
  const current = await deps.db.selectFrom('user_roles').select(['role_code', 'area_code', sql<string>`area_path::text`.as('area_path')]).where('user_id', '=', userId).execute();
  for (const r of current) {
    if (!canAccessArea(ctx, 'users:manage', r.area_path)) throw forbidden('This user holds roles outside your jurisdiction');
  }
  const assignments = await resolveAssignments(deps, ctx, roles);
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
    if (assignments.length) {
      await trx
        .insertInto('user_roles')
        .values(assignments.map((a) => ({ user_id: userId, role_code: a.role, area_code: a.areaCode, area_path: a.areaPath, granted_by: ctx.actor?.userId ?? null })))
        .execute();
    }
    await recordAudit(trx, ctx, {
      action: 'user.roles_change',
      entityType: 'user',
      entityId: userId,
      details: { before: current.map((r) => `${r.role_code}@${r.area_code}`), after: assignments.map((a) => `${a.role}@${a.areaCode}`) },
    });
  });
  await revokeSessionsOfUser(deps.db, userId, 'roles_changed');
}
