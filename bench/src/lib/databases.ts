import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connect, type Connection } from '@sen/db';
import { loadConfig, prepareDatabase } from '@sen/server';

export type BenchDb = 'pglite' | 'postgres';
export const ALL_DBS: readonly BenchDb[] = ['pglite', 'postgres'];

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  kind: BenchDb;
  conn: Connection;
  /** Where it lives, for the report (no credentials). */
  where: string;
  /** Closes the connection and removes the scratch database or directory. */
  dispose(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/** DATABASE_URL when set, else the local default if a server answers there; undefined when none answers. */
export async function findServer(): Promise<string | undefined> {
  const url = process.env.DATABASE_URL || DEFAULT_SERVER_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A fresh database prepared like a real one (migrations, roles, gazetteer): PGlite in a new directory under the
 * system temp dir, or a scratch database sen_bench_<pid> on the server. Both are removed by dispose().
 */
export async function openScratch(kind: BenchDb, serverUrl?: string): Promise<ScratchDatabase> {
  if (kind === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sen-bench-${process.pid}-`));
    const dataDir = path.join(dir, 'pglite');
    const conn = await connect({ dataDir });
    const dispose = async () => {
      await conn.close().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
      await prepareDatabase(conn, loadConfig().SEN_GAZETTEER);
    } catch (err) {
      await dispose();
      throw err;
    }
    return { kind, conn, where: `PGlite in ${dataDir}`, dispose };
  }
  if (!serverUrl) throw new Error('no PostgreSQL server');
  const name = `sen_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const conn = await connect({ databaseUrl: url, poolSize: 4, applicationName: 'sen-bench' });
  const dispose = async () => {
    await conn.close().catch(() => undefined);
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  };
  try {
    await prepareDatabase(conn, loadConfig().SEN_GAZETTEER);
  } catch (err) {
    await dispose();
    throw err;
  }
  const version = await conn.pool.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
  return { kind, conn, where: `PostgreSQL ${version.rows[0]?.v ?? ''} at ${describeUrl(url)}`, dispose };
}
