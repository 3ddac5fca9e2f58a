import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '@sen/domain';
import type pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = fs.readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return files.map((file, index) => {
    const version = Number(file.slice(0, 4));
    if (version !== index + 1) throw new AppError('migration_gap', `Migration ${file} should be numbered ${index + 1}`, { file }, 500);
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    return { version, name: file.slice(5, -4), sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
  });
}

/** A fingerprint of all migrations: test templates are rebuilt when it changes. */
export function migrationsFingerprint(dir = MIGRATIONS_DIR): string {
  const h = crypto.createHash('sha256');
  for (const m of readMigrations(dir)) h.update(m.checksum);
  return h.digest('hex').slice(0, 16);
}

const MIGRATION_LOCK_KEY = 7_313_001; // any constant: all Sen processes agree on it

export interface MigrateResult {
  applied: string[];
  current: number;
}

/**
 * Applies pending migrations in order, each in its own transaction. Migrations are forward only: one already
 * applied must not change (its checksum is compared), so a database never silently differs from the code.
 * A session advisory lock keeps two servers starting together from migrating at once.
 */
export async function migrate(pool: pg.Pool, options: { dir?: string; log?: (line: string) => void } = {}): Promise<MigrateResult> {
  const migrations = readMigrations(options.dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
    const done = new Map(rows.map((r) => [r.version, r]));
    for (const row of rows) {
      const m = migrations.find((x) => x.version === row.version);
      if (!m) throw new AppError('migration_unknown', `The database has migration ${row.version} (${row.name}) that this version of Sen does not know. Is it older than the database?`, { version: row.version }, 500);
      if (m.checksum !== row.checksum) throw new AppError('migration_changed', `Migration ${row.version} (${row.name}) was changed after it was applied. Write a new migration instead.`, { version: row.version }, 500);
    }
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new AppError('migration_failed', `Migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { version: m.version }, 500);
      }
      applied.push(`${String(m.version).padStart(4, '0')}_${m.name}`);
      options.log?.(`applied ${String(m.version).padStart(4, '0')}_${m.name}`);
    }
    return { applied, current: migrations.at(-1)?.version ?? 0 };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}
