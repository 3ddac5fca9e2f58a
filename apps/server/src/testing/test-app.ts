import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Connection } from '@sen/db';
import { buildApp } from '../app';
import { loadConfig, type Config } from '../config';
import type { RequestContext } from '../context';
import { NO_JOBS, type Jobs } from '../jobs';
import { createUser, type RoleAssignment } from '../modules/access/create-user';
import { SYSTEM_CONTEXT } from '../context';
import { createTestConnection } from './test-db';

export interface TestApp {
  app: FastifyInstance;
  conn: Connection;
  config: Config;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct-horse-battery';

/** The real application on a fresh database, for inject() tests. */
export async function createTestApp(options: { env?: Record<string, string>; jobs?: Jobs; logStream?: NodeJS.WritableStream } = {}): Promise<TestApp> {
  const conn = await createTestConnection();
  // Keys made on first use (QR signing) go to a directory of this test process, never the checkout's data/keys.
  const keysDir = path.join(os.tmpdir(), `sen-test-keys-${process.pid}`);
  const config = loadConfig({ NODE_ENV: 'test', SEN_KEYS_DIR: keysDir, SEN_LOG_LEVEL: 'silent', SEN_LOGIN_ATTEMPTS_PER_15_MIN: '1000', SEN_RATE_LIMIT_PER_MINUTE: '100000', ...options.env });
  const app = await buildApp({ conn, config, jobs: options.jobs ?? NO_JOBS, logger: options.logStream ?? false });
  await app.ready();
  return {
    app,
    conn,
    config,
    async close() {
      await app.close();
      await conn.close();
    },
  };
}

let userCounter = 0;

/** Creates a user with roles and signs them in; returns the cookie header to send with inject(). */
export async function signInAs(t: TestApp, roles: RoleAssignment[], extra: { personId?: string } = {}): Promise<{ cookie: string; userId: string; username: string }> {
  userCounter += 1;
  const username = `user${userCounter}.${roles.map((r) => r.role).join('-').slice(0, 30) || 'none'}`.replace(/_/g, '-');
  const { id } = await createUser({ db: t.conn.db, config: t.config, jobs: NO_JOBS }, SYSTEM_CONTEXT, { username, displayName: `Test ${username}`, password: TEST_PASSWORD, roles, personId: extra.personId ?? null });
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return { cookie: cookieFrom(res), userId: id, username };
}

export function cookieFrom(res: LightMyRequestResponse): string {
  const set = res.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  if (!first) throw new Error('no cookie set');
  return first.split(';')[0]!;
}

export function systemContext(): RequestContext {
  return SYSTEM_CONTEXT;
}
