import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql, type Connection } from '@sen/db';
import type { Config } from './config';
import type { Deps } from './context';
import type { Jobs } from './jobs';
import { loggerOptions } from './logger';
import { registerAuth } from './plugins/auth';
import { registerSecurityHeaders } from './plugins/security-headers';
import { problem, registerErrorHandling, sendProblem } from './plugins/errors';
import { accessRoutes } from './modules/access/routes';
import { areasRoutes } from './modules/areas/routes';
import { peopleRoutes } from './modules/people/routes';
import { vaccinationRoutes } from './modules/vaccination/routes';
import { checkinsRoutes } from './modules/checkins/routes';
import { declarationsRoutes } from './modules/declarations/routes';
import { tracingRoutes } from './modules/tracing/routes';
import { vaccinationSitesRoutes } from './modules/vaccination/sites-routes';
import { vaccinationWorkflowRoutes } from './modules/vaccination/workflow-routes';
import { reportsRoutes } from './modules/reports/routes';
import { vaccinationTargetsRoutes } from './modules/vaccination/targets-routes';
import { certificatesRoutes } from './modules/certificates/routes';

export interface AppOptions {
  conn: Connection;
  config: Config;
  jobs: Jobs;
  /** Tests pass false to keep output clean, or a stream to read what would be logged. */
  logger?: boolean | NodeJS.WritableStream;
}

export const BODY_LIMIT = 1_048_576;

/** Builds the HTTP application without listening, so tests can call it with inject(). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { conn, config, jobs } = options;
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config, options.logger === true || options.logger === undefined ? undefined : options.logger),
    bodyLimit: BODY_LIMIT,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : crypto.randomUUID();
    },
    requestIdHeader: false,
    trustProxy: config.NODE_ENV === 'production',
    routerOptions: { maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const deps: Deps = { db: conn.db, config, jobs };

  await app.register(cookie);
  registerSecurityHeaders(app, { upgradeInsecureRequests: config.cookieSecure });
  await app.register(rateLimit, { max: config.SEN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute', allowList: (req) => req.url.startsWith('/health') });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Sen API', version: '0.1.0', description: 'Sen: an open-source epidemic response platform. Staff sign in at /api/auth/login; the session cookie authorises the rest.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sen_session' } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { docExpansion: 'list', deepLinking: true } });
  registerAuth(app, deps);

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/health/live', { schema: { tags: ['health'], summary: 'The process is up' } }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { schema: { tags: ['health'], summary: 'The database answers and is migrated' } }, async (request, reply) => {
    try {
      const row = await sql<{ version: number }>`SELECT max(version) AS version FROM schema_migrations`.execute(conn.db);
      return { status: 'ok', database: conn.kind, migration: row.rows[0]?.version ?? 0 };
    } catch {
      return sendProblem(reply, request, problem(503, 'not_ready', 'The database is not reachable or not migrated'));
    }
  });

  await app.register(async (scope) => accessRoutes(scope, deps));
  await app.register(async (scope) => areasRoutes(scope, deps));
  await app.register(async (scope) => peopleRoutes(scope, deps));
  await app.register(async (scope) => vaccinationRoutes(scope, deps));
  await app.register(async (scope) => checkinsRoutes(scope, deps));
  await app.register(async (scope) => declarationsRoutes(scope, deps));
  await app.register(async (scope) => tracingRoutes(scope, deps));
  await app.register(async (scope) => vaccinationSitesRoutes(scope, deps));
  await app.register(async (scope) => vaccinationWorkflowRoutes(scope, deps));
  await app.register(async (scope) => reportsRoutes(scope, deps));
  await app.register(async (scope) => vaccinationTargetsRoutes(scope, deps));
  await app.register(async (scope) => certificatesRoutes(scope, deps));

  const webIndex = path.join(config.SEN_WEB_DIST, 'index.html');
  const hasWeb = fs.existsSync(webIndex);
  if (hasWeb) await app.register(fastifyStatic, { root: config.SEN_WEB_DIST, wildcard: false, index: false, maxAge: '1h' });
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    if (request.method === 'GET' && hasWeb && !url.startsWith('/api/') && !url.startsWith('/health') && !path.extname(url)) {
      return reply.type('text/html').header('cache-control', 'no-cache').send(fs.createReadStream(webIndex));
    }
    return sendProblem(reply, request, problem(404, 'not_found', `No route ${request.method} ${url}`));
  });
  return app;
}
