import { sql } from '@sen/db';
import { AppError } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { dummyPasswordHash, verifyPassword } from './passwords';
import { recordAudit } from './record-audit';
import { createSession } from './sessions';

export interface LoginInput {
  username: string;
  password: string;
  userAgent: string | null;
}

/** Checks a username and password and opens a session. Failures look the same whether the user exists or not. */
export async function login(deps: Deps, ctx: RequestContext, input: LoginInput): Promise<{ token: string; expiresAt: Date; userId: string }> {
  const username = input.username.trim().toLowerCase();
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'username', 'password_hash', 'disabled_at'])
    .where('username', '=', username)
    .executeTakeFirst();
  const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), input.password);
  if (!user || !ok || user.disabled_at) {
    await recordAudit(deps.db, ctx, { action: 'user.login_failed', entityType: 'user', entityId: user?.id ?? null, details: { reason: user?.disabled_at ? 'disabled' : 'bad_credentials' } });
    throw new AppError('bad_credentials', 'Wrong username or password', {}, 401);
  }
  const session = await createSession(deps.db, user.id, deps.config.SEN_SESSION_HOURS, { ip: ctx.ip, userAgent: input.userAgent });
  await recordAudit(deps.db, { ...ctx, actor: null }, { action: 'user.login', entityType: 'user', entityId: user.id, details: { username: user.username } });
  await deps.db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now() - interval '30 days'`).where('user_id', '=', user.id).execute();
  return { ...session, userId: user.id };
}
