import { z } from 'zod';
import { sql, type Database } from '@sen/db';
import type { Deps } from '../../context';
import type { JobDefinition } from '../../jobs';

/** Check-ins are kept this many days unless SEN_CHECKINS_RETENTION_DAYS says otherwise (issue 5: 28). */
export const DEFAULT_RETENTION_DAYS = 28;
/** Daily partitions made ahead of today, so a missed run or two never sends a day's check-ins to the default. */
export const DEFAULT_DAYS_AHEAD = 3;

export interface MaintainResult {
  created: number;
  dropped: number;
  /** Rows deleted from the default partition because they were past retention. */
  purged: number;
}

/**
 * Runs sen_checkins_maintain (migration 0008): creates the daily partitions (Viet Nam days) from the retention
 * cut-off to `daysAhead` days after today, detaches and drops those entirely older than the cut-off. Idempotent.
 */
export async function maintainCheckinPartitions(db: Database, options: { daysAhead?: number; retentionDays?: number } = {}): Promise<MaintainResult> {
  const daysAhead = options.daysAhead ?? DEFAULT_DAYS_AHEAD;
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const res = await sql<MaintainResult>`SELECT created, dropped, purged FROM sen_checkins_maintain(${daysAhead}::int, ${retentionDays}::int)`.execute(db);
  const row = res.rows[0];
  return { created: Number(row?.created ?? 0), dropped: Number(row?.dropped ?? 0), purged: Number(row?.purged ?? 0) };
}

/** The job's payload; a run queued without retentionDays uses the configured retention. */
export function maintainPayload(retentionDays: number) {
  return z.strictObject({
    daysAhead: z.number().int().min(0).max(366).default(DEFAULT_DAYS_AHEAD),
    retentionDays: z.number().int().min(1).max(3660).default(retentionDays),
  });
}

/**
 * Daily at 00:05 in Viet Nam (17:05 UTC), just after the day's partition starts being written. The schedule carries
 * SEN_CHECKINS_RETENTION_DAYS (pg-boss keeps a schedule's payload; each start writes it again).
 */
export function checkinsPartitionsJob(deps: Pick<Deps, 'db' | 'config'>): JobDefinition<ReturnType<typeof maintainPayload>> {
  const retentionDays = deps.config.SEN_CHECKINS_RETENTION_DAYS;
  return {
    name: 'checkins.maintain-partitions',
    payload: maintainPayload(retentionDays),
    cron: '5 17 * * *',
    schedulePayload: { daysAhead: DEFAULT_DAYS_AHEAD, retentionDays },
    policy: 'stately',
    handler: (payload) => maintainCheckinPartitions(deps.db, payload),
  };
}
