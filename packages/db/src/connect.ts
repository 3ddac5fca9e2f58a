import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './generated/types';
import { acquirePidLock, type PidLock } from './pid-lock';

// bigint (int8) and numeric come back as JS numbers: counts and ids in Sen stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
// dates stay as 'YYYY-MM-DD' text: a calendar date has no time zone.
pg.types.setTypeParser(1082, (v) => v);

export type Database = Kysely<DB>;

export interface Connection {
  kind: 'pglite' | 'postgres';
  db: Database;
  pool: pg.Pool;
  /** The PGlite instance when embedded (for dumps and COPY-less bulk loads). */
  pglite?: PGlite;
  /** Where the embedded database lives. */
  dataDir?: string;
  close(): Promise<void>;
}

export const PGLITE_EXTENSIONS = { btree_gist, ltree, pg_trgm, pgcrypto, unaccent };

export interface ConnectOptions {
  /** A PostgreSQL URL; when absent the embedded database in dataDir is used. */
  databaseUrl?: string | undefined;
  /** Directory of the embedded database; `memory://` keeps it in memory. */
  dataDir?: string;
  /** A tarball made by PGlite's dumpDataDir to start from (tests start from a migrated template). */
  loadDataDir?: Blob;
  poolSize?: number;
  applicationName?: string;
}

export async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<PGlite> {
  return PGlite.create(dataDir === 'memory://' ? undefined : dataDir, {
    extensions: PGLITE_EXTENSIONS,
    ...(loadDataDir ? { loadDataDir } : {}),
  });
}

/**
 * Opens the database: a pg.Pool on a server, or PGlite wrapped in a one-connection pg.Pool, so that Kysely and
 * every query run through one code path. A pool of one also queues requests, so one request can never run
 * inside another's transaction.
 */
export async function connect(options: ConnectOptions): Promise<Connection> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'sen',
    });
    // An idle connection dropped by the server must not crash the process; the pool replaces it.
    pool.on('error', (err) => console.warn(`database connection lost: ${err.message}`));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      kind: 'postgres',
      db,
      pool,
      async close() {
        await db.destroy();
        // Kysely ends the pool only if it ever used it; queries may have gone to the pool directly.
        if (!pool.ended) await pool.end();
      },
    };
  }

  const dataDir = options.dataDir ?? './data/pglite';
  const inMemory = dataDir === 'memory://';
  let lock: PidLock | undefined;
  if (!inMemory) {
    lock = acquirePidLock(dataDir);
    setAsideHalfInitialised(dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await openPglite(dataDir, options.loadDataDir);
  } catch (err) {
    lock?.release();
    throw err;
  }
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    kind: 'pglite',
    db,
    pool,
    pglite,
    ...(inMemory ? {} : { dataDir }),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.destroy();
        if (!pool.ended) await pool.end();
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * A directory that exists but never finished initdb (the process died during first start) cannot be opened.
 * It is moved aside, never deleted, so nothing is lost if the guess is wrong.
 */
function setAsideHalfInitialised(dataDir: string): void {
  if (!fs.existsSync(dataDir)) return;
  const entries = fs.readdirSync(dataDir);
  if (entries.length === 0 || entries.includes('PG_VERSION')) return;
  const aside = `${dataDir}.broken-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  fs.renameSync(dataDir, aside);
  console.warn(`Moved a half-initialised embedded database aside to ${path.basename(aside)}`);
}
