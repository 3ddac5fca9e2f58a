import { PgBoss, type Job } from 'pg-boss';
import type { Connection } from '@sen/db';
import type { z } from 'zod';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Background jobs in PostgreSQL (pg-boss). On the embedded database the queue runs in the server process, through
 * the same one-connection pool as requests (so a job never runs inside a request's transaction); on a server it
 * can run in `npm run worker` processes instead. Handlers are idempotent and validate their payload.
 */
export interface JobDefinition<S extends z.ZodType> {
  name: string;
  payload: S;
  handler: (payload: z.output<S>) => Promise<unknown>;
  /** A cron expression to run it on a schedule, in UTC. */
  cron?: string;
  /** What the schedule sends each run (default {}): configuration the scheduled runs need. */
  schedulePayload?: object;
  /**
   * pg-boss queue policy. 'stately' keeps at most one waiting and one running job per singleton key (a second
   * request for the same work while one waits is dropped); 'standard' queues everything.
   */
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
}

export interface Jobs {
  /** Queues a job; returns its id, or null when an identical singleton is already queued. */
  send(name: string, payload: object, options?: { singletonKey?: string }): Promise<string | null>;
  /** The state of a job, for progress endpoints. */
  get(name: string, id: string): Promise<{ state: string; output: unknown } | null>;
}

/** A queue that only refuses: for tests and tools that need no jobs. */
export const NO_JOBS: Jobs = {
  async send(name) {
    throw new Error(`Jobs are off in this process; cannot queue ${name}`);
  },
  async get() {
    return null;
  },
};

export class JobQueue implements Jobs {
  private readonly definitions = new Map<string, JobDefinition<z.ZodType>>();
  private started = false;
  readonly boss: PgBoss;

  constructor(conn: Connection, private readonly log: FastifyBaseLogger | Console = console) {
    this.boss = new PgBoss({
      db: {
        async executeSql(text: string, values?: unknown[]) {
          const res = await conn.pool.query(text, values as unknown[]);
          return Array.isArray(res) ? (res.at(-1) ?? { rows: [] }) : res;
        },
      },
      backend: conn.kind === 'pglite' ? 'pglite' : 'postgres',
      schema: 'pgboss',
    });
    this.boss.on('error', (err: Error) => this.log.error({ err: { message: err.message } }, 'job queue error'));
  }

  define<S extends z.ZodType>(def: JobDefinition<S>): void {
    this.definitions.set(def.name, def as unknown as JobDefinition<z.ZodType>);
  }

  /** Creates the queues (and their schema); with `work`, also runs the handlers in this process. */
  async start(options: { work: boolean }): Promise<void> {
    await this.boss.start();
    this.started = true;
    for (const def of this.definitions.values()) {
      await this.boss.createQueue(def.name, { policy: def.policy ?? 'standard' });
      if (def.cron) await this.boss.schedule(def.name, def.cron, def.schedulePayload ?? {});
      if (options.work) {
        await this.boss.work(def.name, { pollingIntervalSeconds: 2 }, async (jobs: Job<object>[]) => {
          for (const job of jobs) {
            const payload = def.payload.parse(job.data);
            await def.handler(payload);
          }
        });
      }
    }
  }

  async send(name: string, payload: object, options: { singletonKey?: string } = {}): Promise<string | null> {
    const def = this.definitions.get(name);
    if (!def) throw new Error(`Unknown job ${name}`);
    def.payload.parse(payload);
    return this.boss.send(name, payload, options.singletonKey ? { singletonKey: options.singletonKey } : {});
  }

  async get(name: string, id: string) {
    const job = await this.boss.getJobById(name, id);
    return job ? { state: job.state, output: job.output } : null;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, timeout: 5_000 });
  }
}
