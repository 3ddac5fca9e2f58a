import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connect, migrationsFingerprint, type Connection } from '@sen/db';
import { CATALOG_VERSIONS, ROLES } from '@sen/domain';
import type { GazetteerId } from '../modules/areas/load-gazetteer';
import { PRIORITY_GROUPS_2021 } from '../modules/vaccination/priority-groups-seed';
import { prepareDatabase } from '../prepare-database';

/**
 * One fresh database per test file, never a mock: on a PostgreSQL server (TEST_DATABASE_URL or DATABASE_URL) a
 * `CREATE DATABASE ... TEMPLATE` copy of a migrated template; otherwise PGlite loaded from a migrated dump.
 * Templates are keyed by a fingerprint of the migrations and seeds, so they are rebuilt when those change.
 */
export function testServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

const GAZETTEER: GazetteerId = (process.env.SEN_GAZETTEER as GazetteerId | undefined) ?? 'vn2025';

function templateKey(): string {
  const seeds = JSON.stringify([ROLES, CATALOG_VERSIONS, PRIORITY_GROUPS_2021]);
  return crypto.createHash('sha256').update(migrationsFingerprint()).update(seeds).update(GAZETTEER).digest('hex').slice(0, 12);
}


function pgliteTemplatePath(): string {
  return path.join(os.tmpdir(), `sen-test-template-${templateKey()}.tar.gz`);
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Builds the template once per run (called from vitest's global setup, before any test file starts). */
export async function ensureTestTemplate(): Promise<void> {
  const serverUrl = testServerUrl();
  if (!serverUrl) {
    const file = pgliteTemplatePath();
    if (fs.existsSync(file)) return;
    const conn = await connect({ dataDir: 'memory://' });
    try {
      await prepareDatabase(conn, GAZETTEER);
      const dump = await conn.pglite!.dumpDataDir('gzip');
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
      fs.renameSync(tmp, file);
    } finally {
      await conn.close();
    }
    return;
  }
  const name = `sen_tpl_${templateKey()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(7313002)');
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return;
    const building = `${name}_building`;
    await admin.query(`DROP DATABASE IF EXISTS ${building}`);
    await admin.query(`CREATE DATABASE ${building}`);
    const conn = await connect({ databaseUrl: withDatabase(serverUrl, building), poolSize: 2 });
    try {
      await prepareDatabase(conn, GAZETTEER);
    } finally {
      await conn.close();
    }
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock(7313002)').catch(() => undefined);
    await admin.end();
  }
}

/** A fresh, migrated database with roles and areas, for one test file. Close it when done. */
export async function createTestConnection(): Promise<Connection> {
  const serverUrl = testServerUrl();
  if (!serverUrl) {
    await ensureTestTemplate();
    const dump = fs.readFileSync(pgliteTemplatePath());
    return connect({ dataDir: 'memory://', loadDataDir: new Blob([dump]) });
  }
  await ensureTestTemplate();
  const name = `sen_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE sen_tpl_${templateKey()}`);
  await admin.end();
  const conn = await connect({ databaseUrl: withDatabase(serverUrl, name), poolSize: 4 });
  return {
    ...conn,
    async close() {
      await conn.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
