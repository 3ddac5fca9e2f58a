import { z } from 'zod';
import { sql, type Database } from '@sen/db';
import type { JobDefinition, JobQueue } from '../../jobs';

/**
 * Folds the pending report deltas into report_counts (see migration 0013 for the design). Exactness never
 * depends on this running: reads add what is still pending. It keeps the delta tables short so reads stay fast.
 * Returns the number of delta rows folded, or -1 when another process was folding at the same moment.
 */
export async function foldReports(db: Database): Promise<number> {
  let folded: number;
  try {
    folded = await db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
      const res = await sql<{ folded: number }>`SELECT report_fold()::bigint AS folded`.execute(trx);
      return Number(res.rows[0]?.folded ?? 0);
    });
  } catch (err) {
    // A fold that started from a snapshot older than another fold's commit fails to serialize: nothing was
    // written, the other fold did the work.
    if ((err as { code?: string }).code === '40001') return -1;
    throw err;
  }
  // Every read scans the delta tables: after a big fold (a bulk load, a backlog) their dead rows would slow each
  // read until autovacuum comes by, so clear them now (VACUUM cannot run inside a transaction).
  if (folded >= BIG_FOLD) await sql`VACUUM report_dose_deltas, report_screening_deltas, report_adverse_deltas, report_attendance_deltas`.execute(db);
  return folded;
}

const BIG_FOLD = 20_000;

export const FOLD_JOB = 'reports.fold';
/** Seconds between folds while the chain runs. */
export const FOLD_EVERY_S = 5;

/**
 * The fold as a background job, in the server (embedded database) or in `sen worker`. pg-boss cron has minute
 * granularity, so each run queues the next one FOLD_EVERY_S seconds later; the cron (every minute) restarts the
 * chain if a process died between the two. Policy 'stately' keeps at most one queued and one running fold.
 */
export function reportsFoldJob(db: Database, queue: JobQueue): JobDefinition<z.ZodObject> {
  return {
    name: FOLD_JOB,
    payload: z.object({}).passthrough(),
    cron: '* * * * *',
    policy: 'stately',
    handler: async () => {
      const folded = await foldReports(db);
      await queue.boss.send(FOLD_JOB, {}, { startAfter: FOLD_EVERY_S, singletonKey: 'chain' }).catch(() => null);
      return { folded };
    },
  };
}
