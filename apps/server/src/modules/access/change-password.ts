import { sql } from '@sen/db';
import { AppError } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { requireActor } from './authorize';
import { checkPasswordStrength, hashPassword, verifyPassword } from './passwords';
import { recordAudit } from './record-audit';
import { revokeSessionsOfUser } from './sessions';

/** Changes one's own password; every other session of the user is revoked (a thief's session ends with it). */
export async function changePassword(deps: Deps, ctx: RequestContext, input: { currentPassword: string; newPassword: string }): Promise<void> {
  const actor = requireActor(ctx);
  const user = await deps.db.selectFrom('users').select('password_hash').where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new AppError('bad_credentials', 'The current password is wrong', { field: 'currentPassword' }, 400);
  }
  checkPasswordStrength(input.newPassword);
  const passwordHash = await hashPassword(input.newPassword);
  await deps.db.updateTable('users').set({ password_hash: passwordHash, password_changed_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', actor.userId).execute();
  const revoked = await revokeSessionsOfUser(deps.db, actor.userId, 'password_changed', actor.sessionId);
  await recordAudit(deps.db, ctx, { action: 'user.password_change', entityType: 'user', entityId: actor.userId, details: { revokedSessions: revoked } });
}
