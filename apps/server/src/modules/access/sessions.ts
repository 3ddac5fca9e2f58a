import crypto from 'node:crypto';
import { sql, uuidv7, type Database } from '@sen/db';
import { ROLE_BY_CODE, type Scope } from '@sen/domain';
import type { Actor } from '../../context';

export const SESSION_COOKIE = 'sen_session';
/** Sliding expiry is pushed forward at most this often, so a busy user does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

export function hashToken(token: string): Buffer {
  return crypto.createHash('sha256').update(token).digest();
}

export async function createSession(db: Database, userId: string, hours: number, meta: { ip: string | null; userAgent: string | null }): Promise<{ token: string; expiresAt: Date }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + hours * 3_600_000);
  await db
    .insertInto('sessions')
    .values({ id: uuidv7(), user_id: userId, token_hash: hashToken(token), expires_at: expiresAt, ip: meta.ip, user_agent: meta.userAgent?.slice(0, 300) ?? null })
    .execute();
  return { token, expiresAt };
}

export async function revokeSessionsOfUser(db: Database, userId: string, reason: string, exceptSessionId?: string): Promise<number> {
  let q = db.updateTable('sessions').set({ revoked_at: sql`now()`, revoked_reason: reason }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function revokeSession(db: Database, sessionId: string, reason: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: sql`now()`, revoked_reason: reason }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

/** Builds the scope grants of a user from their roles: scope -> the area paths of the roles that carry it. */
export function grantsOf(roles: { code: string; areaPath: string }[]): Map<Scope, string[]> {
  const grants = new Map<Scope, string[]>();
  for (const role of roles) {
    for (const scope of ROLE_BY_CODE.get(role.code)?.scopes ?? []) {
      const list = grants.get(scope) ?? [];
      if (!list.includes(role.areaPath)) list.push(role.areaPath);
      grants.set(scope, list);
    }
  }
  return grants;
}

/** Resolves a session token to the actor, extending the session's sliding expiry; null when absent, expired or revoked. */
export async function actorFromToken(db: Database, token: string, hours: number): Promise<Actor | null> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id as sessionId', 's.last_seen_at', 'u.id as userId', 'u.username', 'u.display_name', 'u.person_id'])
    .where('s.token_hash', '=', hashToken(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const roles = await db
    .selectFrom('user_roles')
    .select(['role_code as code', 'area_code as areaCode', sql<string>`area_path::text`.as('areaPath')])
    .where('user_id', '=', row.userId)
    .orderBy('role_code')
    .execute();
  if (Date.now() - new Date(row.last_seen_at).getTime() > TOUCH_EVERY_MS) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: sql`now()`, expires_at: sql`now() + make_interval(secs => ${hours * 3600})` })
      .where('id', '=', row.sessionId)
      .execute();
  }
  return {
    userId: row.userId,
    username: row.username,
    displayName: row.display_name,
    personId: row.person_id,
    sessionId: row.sessionId,
    roles,
    grants: grantsOf(roles),
  };
}
