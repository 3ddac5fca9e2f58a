/**
 * Regenerates src/generated/types.ts from the migrations: applies them to a scratch database on the PostgreSQL
 * server named by DATABASE_URL (default: the local server) and runs kysely-codegen against it.
 * Usage: npm run db:types
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connect } from './connect';
import { migrate } from './migrate';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const scratch = `sen_codegen_${process.pid}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${scratch}`);
const url = new URL(serverUrl);
url.pathname = `/${scratch}`;
try {
  const conn = await connect({ databaseUrl: url.toString() });
  await migrate(conn.pool);
  await conn.close();
  const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'generated/types.ts');
  execFileSync('npx', ['kysely-codegen', '--dialect', 'postgres', '--url', url.toString(), '--out-file', out, '--exclude-pattern', '(schema_migrations|pgboss.*|audit_log_*)'], { stdio: 'inherit' });
} finally {
  await admin.query(`DROP DATABASE ${scratch} WITH (FORCE)`);
  await admin.end();
}
