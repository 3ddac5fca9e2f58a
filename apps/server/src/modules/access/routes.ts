import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ROLE_BY_CODE } from '@sen/domain';
import type { Deps } from '../../context';
import { requireScope, requireSignedIn } from '../../plugins/auth';
import { changePassword } from './change-password';
import { createUser } from './create-user';
import { login } from './login';
import { queryAudit } from './query-audit';
import { recordAudit } from './record-audit';
import { actorFromToken, revokeSession, SESSION_COOKIE } from './sessions';
import { setUserRoles } from './set-user-roles';
import { userProfile } from './user-profile';
import { listUsers } from './list-users';

const RoleOut = z.object({ code: z.string(), nameVi: z.string(), nameEn: z.string(), areaCode: z.string(), areaName: z.string(), areaPath: z.string() });
export const UserOut = z
  .object({ id: z.string(), username: z.string(), displayName: z.string(), personId: z.string().nullable(), roles: z.array(RoleOut), scopes: z.array(z.string()) })
  .meta({ id: 'User' });
const RoleAssignmentIn = z.object({ role: z.string().refine((r) => ROLE_BY_CODE.has(r), 'unknown role'), areaCode: z.string().min(1).max(20) });
const Password = z.string().min(1).max(256);

export async function accessRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/auth/login', {
    schema: { tags: ['access'], summary: 'Sign in with a username and password', body: z.object({ username: z.string().min(1).max(64), password: Password }), response: { 200: UserOut } },
    config: { rateLimit: { hook: 'preHandler', max: deps.config.SEN_LOGIN_ATTEMPTS_PER_15_MIN, timeWindow: '15 minutes', keyGenerator: (req) => `${req.ip}|${String((req.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase().slice(0, 64)}` } },
  }, async (request, reply) => {
    const session = await login(deps, request.ctx, { ...request.body, userAgent: request.headers['user-agent'] ?? null });
    reply.setCookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'strict', secure: deps.config.cookieSecure, path: '/', expires: session.expiresAt });
    const actor = await actorFromToken(deps.db, session.token, deps.config.SEN_SESSION_HOURS);
    return userProfile(deps.db, actor!);
  });

  r.post('/api/auth/logout', { schema: { tags: ['access'], summary: 'Sign out (ends this session)' } }, async (request, reply) => {
    if (request.ctx.actor) {
      await revokeSession(deps.db, request.ctx.actor.sessionId, 'logout');
      await recordAudit(deps.db, request.ctx, { action: 'user.logout', entityType: 'user', entityId: request.ctx.actor.userId });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  r.get('/api/auth/me', { schema: { tags: ['access'], summary: 'The signed-in user', response: { 200: UserOut } }, preValidation: requireSignedIn() }, async (request) => {
    return userProfile(deps.db, request.ctx.actor!);
  });

  r.post('/api/auth/password', {
    schema: { tags: ['access'], summary: 'Change your password (ends your other sessions)', body: z.object({ currentPassword: Password, newPassword: Password }) },
    preValidation: requireSignedIn(),
  }, async (request, reply) => {
    await changePassword(deps, request.ctx, request.body);
    return reply.status(204).send();
  });

  r.get('/api/users', {
    schema: { tags: ['access'], summary: 'Users with roles in your jurisdiction', querystring: z.object({ q: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
    preValidation: requireScope('users:manage'),
  }, async (request) => ({ items: await listUsers(deps, request.ctx, request.query) }));

  r.post('/api/users', {
    schema: {
      tags: ['access'], summary: 'Create a staff or citizen account',
      body: z.object({ username: z.string().min(3).max(64), displayName: z.string().min(1).max(200), password: z.string().min(10).max(256), roles: z.array(RoleAssignmentIn).max(20), personId: z.uuid().nullable().optional() }),
      response: { 201: z.object({ id: z.string() }) },
    },
    preValidation: requireScope('users:manage'),
  }, async (request, reply) => reply.status(201).send(await createUser(deps, request.ctx, request.body)));

  r.put('/api/users/:id/roles', {
    schema: { tags: ['access'], summary: "Replace a user's roles (revokes their sessions)", params: z.object({ id: z.uuid() }), body: z.object({ roles: z.array(RoleAssignmentIn).max(20) }) },
    preValidation: requireScope('users:manage'),
  }, async (request, reply) => {
    await setUserRoles(deps, request.ctx, request.params.id, request.body.roles);
    return reply.status(204).send();
  });

  r.get('/api/roles', { schema: { tags: ['access'], summary: 'The roles and their scopes' }, preValidation: requireSignedIn() }, async () => {
    const rows = await deps.db.selectFrom('roles').selectAll().orderBy('code').execute();
    return { items: rows.map((x) => ({ code: x.code, nameVi: x.name_vi, nameEn: x.name_en, level: x.level, scopes: x.scopes })) };
  });

  r.get('/api/audit', {
    schema: {
      tags: ['access'], summary: 'Query the audit log',
      querystring: z.object({
        action: z.string().max(100).optional(), entityType: z.string().max(50).optional(), entityId: z.string().max(100).optional(), actor: z.string().max(64).optional(),
        from: z.coerce.date().optional(), to: z.coerce.date().optional(), limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
    },
    preValidation: requireScope('audit:read'),
  }, async (request) => {
    const rows = await queryAudit(deps, request.ctx, request.query);
    return {
      items: rows.map((x) => ({ id: x.id, at: x.at, actorUserId: x.actor_user_id, actorUsername: x.actor_username, action: x.action, entityType: x.entity_type, entityId: x.entity_id, ip: x.ip, requestId: x.request_id, details: x.details })),
    };
  });
}
