import path from 'node:path';
import { z } from 'zod';

/** Where the repository lives: the embedded database and the shipped data sit under it by default. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  SEN_DATA_DIR: z.string().default(path.join(REPO_ROOT, 'data', 'pglite')),
  SEN_GAZETTEER: z.enum(['vn2025', 'vn2021']).default('vn2025'),
  SEN_SESSION_HOURS: z.coerce.number().positive().default(8),
  SEN_COOKIE_SECURE: bool.optional(),
  SEN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  SEN_LOGIN_ATTEMPTS_PER_15_MIN: z.coerce.number().int().positive().default(10),
  SEN_JOBS: z.enum(['inline', 'worker', 'off']).optional(),
  SEN_WEB_DIST: z.string().default(path.join(REPO_ROOT, 'apps', 'web', 'dist')),
  /** Signing keys (qr-signing.pem, certificate keys): files, never in the database; gitignored. */
  SEN_KEYS_DIR: z.string().default(path.join(REPO_ROOT, 'data', 'keys')),
  /** Target list uploads (CSV/XLSX): largest file accepted (413 above) and most data rows (422 above). */
  SEN_TARGET_IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(100_000_000).default(10_000_000),
  SEN_TARGET_IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
  /** Second-degree (F2) tracing fan-out: candidates kept per confirmed F1, and per run in all. */
  SEN_TRACING_F2_PER_F1: z.coerce.number().int().min(1).max(10_000).default(50),
  SEN_TRACING_F2_TOTAL: z.coerce.number().int().min(1).max(100_000).default(1_000),
  /** Offline verifiers refuse a trust list older than this many days (published, signed, in the list; they warn after 48 hours). */
  SEN_TRUST_LIST_MAX_AGE_DAYS: z.coerce.number().int().min(2).max(90).default(7),
  /** Check-ins are kept this many days (partitions dropped after; the ingest, the citizen's list and traces reach this far back). */
  SEN_CHECKINS_RETENTION_DAYS: z.coerce.number().int().min(1).max(366).default(28),
  /** QR tokens are refused this many days after they were made: printed cards and posters must last months (the app fetches a fresh token). */
  SEN_QR_PERSON_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  SEN_QR_VENUE_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
});

export type Config = z.infer<typeof ConfigSchema> & {
  /** Whether jobs run inside this server process. */
  jobsInline: boolean;
  cookieSecure: boolean;
};

/**
 * Reads configuration from the environment. Development gets working defaults; production refuses to start on
 * anything unsafe (no database server, cookies without Secure) rather than running half-configured.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  if (c.NODE_ENV === 'production' && !c.DATABASE_URL) {
    throw new Error('Invalid configuration: DATABASE_URL is required in production (the embedded database is for laptops and tests)');
  }
  const jobs = c.SEN_JOBS ?? (c.DATABASE_URL && c.NODE_ENV === 'production' ? 'worker' : 'inline');
  return { ...c, jobsInline: jobs === 'inline', cookieSecure: c.SEN_COOKIE_SECURE ?? c.NODE_ENV === 'production' };
}
