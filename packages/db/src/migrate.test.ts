import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrate, readMigrations, type Connection } from './index';
// The test database helper lives with the server (it also seeds areas); a relative import keeps @sen/db free of it.
import { createTestConnection } from '../../../apps/server/src/testing/test-db';

let conn: Connection;
beforeAll(async () => {
  conn = await createTestConnection();
});
afterAll(async () => {
  await conn?.close();
});

function scratchMigrations(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sen-migrations-'));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

describe('migrations', () => {
  it('has applied every migration in the template, with checksums', async () => {
    const { rows } = await conn.pool.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations ORDER BY version');
    const files = readMigrations(MIGRATIONS_DIR);
    expect(rows.map((r) => r.version)).toEqual(files.map((m) => m.version));
    expect(rows.map((r) => r.checksum)).toEqual(files.map((m) => m.checksum));
  });

  it('applies nothing the second time', async () => {
    const result = await migrate(conn.pool);
    expect(result.applied).toEqual([]);
  });

  it('loads the extensions the modules rely on', async () => {
    const { rows } = await conn.pool.query<{ extname: string }>('SELECT extname FROM pg_extension');
    expect(rows.map((r) => r.extname)).toEqual(expect.arrayContaining(['pg_trgm', 'unaccent', 'ltree', 'btree_gist', 'pgcrypto']));
    const folded = await conn.pool.query<{ f: string }>("SELECT sen_fold('Đặng Thị Hồng Nhung') AS f");
    expect(folded.rows[0]!.f).toBe('dang thi hong nhung');
  });

  it('refuses a migration that changed after it was applied, and one that is missing', async () => {
    const dir = scratchMigrations(Object.fromEntries(readMigrations().map((m) => [`${String(m.version).padStart(4, '0')}_${m.name}.sql`, m.sql])));
    const first = fs.readdirSync(dir).sort()[0]!;
    fs.appendFileSync(path.join(dir, first), '\n-- edited later\n');
    await expect(migrate(conn.pool, { dir })).rejects.toMatchObject({ code: 'migration_changed' });
    const shorter = scratchMigrations({ '0001_extensions.sql': readMigrations()[0]!.sql });
    await expect(migrate(conn.pool, { dir: shorter })).rejects.toMatchObject({ code: 'migration_unknown' });
  });

  it('rolls back a failing migration whole and reports it', async () => {
    const files = Object.fromEntries(readMigrations().map((m) => [`${String(m.version).padStart(4, '0')}_${m.name}.sql`, m.sql]));
    const next = readMigrations().length + 1;
    files[`${String(next).padStart(4, '0')}_broken.sql`] = 'CREATE TABLE half_done (id int); SELECT no_such_function();';
    const dir = scratchMigrations(files);
    await expect(migrate(conn.pool, { dir })).rejects.toMatchObject({ code: 'migration_failed' });
    const { rows } = await conn.pool.query("SELECT to_regclass('half_done') AS t");
    expect(rows[0].t).toBeNull();
  });

  it('runs concurrent migrators one at a time (advisory lock)', async () => {
    const files = Object.fromEntries(readMigrations().map((m) => [`${String(m.version).padStart(4, '0')}_${m.name}.sql`, m.sql]));
    const next = readMigrations().length + 1;
    files[`${String(next).padStart(4, '0')}_counter.sql`] = 'CREATE TABLE migration_counter (n int); INSERT INTO migration_counter VALUES (1);';
    const dir = scratchMigrations(files);
    const results = await Promise.all([migrate(conn.pool, { dir }), migrate(conn.pool, { dir })]);
    expect(results.flatMap((r) => r.applied)).toHaveLength(1);
    const { rows } = await conn.pool.query('SELECT count(*)::int AS n FROM migration_counter');
    expect(rows[0].n).toBe(1);
  });
});
