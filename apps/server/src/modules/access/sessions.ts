import crypto from 'node:crypto';
import { sql, uuidv7, type Database } from '@sen/db';
import { ROLE_BY_CODE, type Scope } from '@sen/domain';
import type { Actor, RoleGrant } from '../../context';

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
  forgetActors((a) => a.userId === userId);
  return Number(res.numUpdatedRows);
}

export async function revokeSession(db: Database, sessionId: string, reason: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: sql`now()`, revoked_reason: reason }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
  forgetActors((a) => a.sessionId === sessionId);
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

/**
 * Resolves a session token to the actor, extending the session's sliding expiry; null when absent, expired or
 * revoked. One round trip: the session, its user and the user's roles in one statement.
 */
export async function actorFromToken(db: Database, token: string, hours: number): Promise<Actor | null> {
  return (await lookUpSession(db, hashToken(token), hours))?.actor ?? null;
}

async function lookUpSession(db: Database, tokenHash: Buffer, hours: number): Promise<{ actor: Actor; expiresAt: number } | null> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id as sessionId', 's.last_seen_at', 's.expires_at', 'u.id as userId', 'u.username', 'u.display_name', 'u.person_id'])
    .select(sql<RoleGrant[] | string>`(SELECT coalesce(json_agg(json_build_object('code', r.role_code, 'areaCode', r.area_code, 'areaPath', r.area_path::text) ORDER BY r.role_code), '[]')
      FROM user_roles r WHERE r.user_id = u.id)`.as('roles'))
    .where('s.token_hash', '=', tokenHash)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const roles = (typeof row.roles === 'string' ? JSON.parse(row.roles) : row.roles) as RoleGrant[];
  let expiresAt = new Date(row.expires_at).getTime();
  if (Date.now() - new Date(row.last_seen_at).getTime() > TOUCH_EVERY_MS) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: sql`now()`, expires_at: sql`now() + make_interval(secs => ${hours * 3600})` })
      .where('id', '=', row.sessionId)
      .execute();
    expiresAt = Date.now() + hours * 3_600_000;
  }
  const actor: Actor = {
    userId: row.userId,
    username: row.username,
    displayName: row.display_name,
    personId: row.person_id,
    sessionId: row.sessionId,
    roles,
    grants: grantsOf(roles),
  };
  return { actor, expiresAt };
}

/**
 * Sessions resolved in the last few seconds, by token hash, so a tablet recording a dose every few seconds (or 50
 * of them at a site) does not read its session and roles on every request. Sign-out, role changes and password
 * changes drop the entries of their session or user at once (revokeSession, revokeSessionsOfUser); only a change
 * made to the tables from outside this process (SQL by hand, another server instance) waits up to ACTOR_CACHE_MS.
 * Unknown tokens are never cached: each is looked up.
 */
const ACTOR_CACHE_MS = 5_000;
const ACTOR_CACHE_MAX = 10_000;
const actorCache = new Map<string, { actor: Actor; until: number }>();
/** Bumped by every revocation: a lookup that was already reading when a session was revoked does not cache its answer. */
let revocations = 0;

/** actorFromToken for the request hook: answers from the cache while the entry is fresh. */
export async function cachedActorFromToken(db: Database, token: string, hours: number): Promise<Actor | null> {
  const tokenHash = hashToken(token);
  const key = tokenHash.toString('base64');
  const now = Date.now();
  const hit = actorCache.get(key);
  if (hit && hit.until > now) return hit.actor;
  if (hit) actorCache.delete(key);
  const seen = revocations;
  const found = await lookUpSession(db, tokenHash, hours);
  if (!found || seen !== revocations) return found?.actor ?? null;
  if (actorCache.size >= ACTOR_CACHE_MAX) evictActors(now);
  actorCache.set(key, { actor: found.actor, until: Math.min(now + ACTOR_CACHE_MS, found.expiresAt) });
  return found.actor;
}

function evictActors(now: number): void {
  for (const [k, v] of actorCache) if (v.until <= now) actorCache.delete(k);
  // Still full: drop the oldest tenth (a Map iterates in insertion order).
  if (actorCache.size >= ACTOR_CACHE_MAX) {
    let drop = Math.ceil(ACTOR_CACHE_MAX / 10);
    for (const k of actorCache.keys()) {
      if (drop-- <= 0) break;
      actorCache.delete(k);
    }
  }
}

function forgetActors(match: (actor: Actor) => boolean): void {
  revocations++;
  for (const [k, v] of actorCache) if (match(v.actor)) actorCache.delete(k);
}
