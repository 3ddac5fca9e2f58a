import type { Scope } from '@sen/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps, RequestContext } from '../context';
import { cachedActorFromToken, SESSION_COOKIE } from '../modules/access/sessions';
import { problem, sendProblem } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
  }
}

/** Resolves the session cookie to an actor on every request (a session seen in the last seconds from memory) and gives routes `requireScope`. */
export function registerAuth(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    const actor = token && token.length <= 128 ? await cachedActorFromToken(deps.db, token, deps.config.SEN_SESSION_HOURS) : null;
    request.ctx = { actor, ip: request.ip ?? null, requestId: request.id };
  });
}

/**
 * Route guard: signed in, and holding the scope somewhere. Which records the scope reaches is checked in SQL.
 * Use as `preValidation`, so a caller without a session learns 401 before anything about the body.
 */
export function requireScope(...scopes: Scope[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const actor = request.ctx.actor;
    if (!actor) return sendProblem(reply, request, problem(401, 'unauthenticated', 'Sign in first'));
    const missing = scopes.filter((s) => !actor.grants.get(s)?.length);
    if (missing.length) return sendProblem(reply, request, problem(403, 'forbidden', `This needs the permission ${missing.join(', ')}`, { scopes: missing }));
  };
}

export function requireSignedIn() {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.ctx.actor) return sendProblem(reply, request, problem(401, 'unauthenticated', 'Sign in first'));
  };
}

/** Route guard: signed in and holding at least one of the scopes somewhere (the use case decides which records). */
export function requireAnyScope(...scopes: Scope[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const actor = request.ctx.actor;
    if (!actor) return sendProblem(reply, request, problem(401, 'unauthenticated', 'Sign in first'));
    if (!scopes.some((s) => actor.grants.get(s)?.length)) return sendProblem(reply, request, problem(403, 'forbidden', `This needs one of the permissions ${scopes.join(', ')}`, { scopes }));
  };
}
