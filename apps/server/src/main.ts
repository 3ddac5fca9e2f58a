import type { FastifyInstance } from 'fastify';
import { connect, type Connection } from '@sen/db';
import { buildApp } from './app';
import { loadConfig, type Config } from './config';
import { registerJobs } from './job-definitions';
import { JobQueue } from './jobs';
import { prepareDatabase } from './prepare-database';

export interface RunningServer {
  app: FastifyInstance;
  conn: Connection;
  url: string;
  close(): Promise<void>;
}

/** Opens the database, brings it up to date (migrations, roles, gazetteer) and returns the connection. */
export async function openDatabase(config: Config, log: (line: string) => void = () => {}): Promise<Connection> {
  const conn = await connect({ databaseUrl: config.DATABASE_URL, dataDir: config.SEN_DATA_DIR });
  try {
    await prepareDatabase(conn, config.SEN_GAZETTEER, log);
  } catch (err) {
    await conn.close();
    throw err;
  }
  return conn;
}

/**
 * Starts Sen: database, jobs (inside this process unless a worker runs them) and the HTTP server. SIGINT and
 * SIGTERM close everything in order; PGlite in particular must be closed or its directory is left dirty.
 */
export async function startServer(config: Config = loadConfig(), options: { conn?: Connection } = {}): Promise<RunningServer> {
  const conn = options.conn ?? (await openDatabase(config));
  const jobs = new JobQueue(conn);
  const app = await buildApp({ conn, config, jobs });
  registerJobs(jobs, { db: conn.db, config });
  if (config.SEN_JOBS !== 'off') await jobs.start({ work: config.jobsInline });
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await app.close();
      await jobs.stop();
      await conn.close();
    })();
    return closing;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info(`${signal}: closing`);
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
  return { app, conn, url: address.replace('127.0.0.1', 'localhost'), close };
}
