import { z } from 'zod';
import { sql, type Database } from '@sen/db';
import type { Deps } from '../../context';
import type { JobDefinition } from '../../jobs';
import { RecordOnlyAdapter, type NotificationAdapter, type OutboxItem } from './adapter';

export interface DeliveryOptions {
  batchSize?: number;
  /** Attempts before a message is marked failed for good. */
  maxAttempts?: number;
  /** Batches per run, so one run of the job ends even while messages keep arriving. */
  maxBatches?: number;
}

export interface DeliveryResult {
  sent: number;
  retrying: number;
  failed: number;
}

/** Wait before attempt n+1: 1, 2, 4 ... minutes, at most an hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3600, 60 * 2 ** Math.max(0, attempts - 1));
}

/** What an error may leave in the outbox: its kind, never a gateway's echo of the message or number. */
function errorLabel(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown };
  const code = typeof e?.code === 'string' ? e.code : null;
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  return (code ? `${name}:${code}` : name).slice(0, 200);
}

/**
 * Delivers pending messages in batches. Each batch is claimed with FOR UPDATE SKIP LOCKED, so several workers
 * never send one message twice; a failure counts an attempt and schedules a retry with backoff.
 */
export async function deliverPendingNotifications(db: Database, adapter: NotificationAdapter, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 8;
  const maxBatches = options.maxBatches ?? 50;
  const result: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
  for (let batch = 0; batch < maxBatches; batch++) {
    const done = await db.transaction().execute(async (trx) => {
      const rows = await sql<{ id: string; person_id: string | null; team: string | null; team_area_path: string | null; channel: 'sms' | 'app'; template: string; params: Record<string, string> | string; attempts: number }>`
        SELECT id, person_id, team, team_area_path::text, channel, template, params, attempts FROM notification_outbox
         WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at, id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`.execute(trx);
      for (const r of rows.rows) {
        const item: OutboxItem = {
          id: r.id, personId: r.person_id, team: r.team && r.team_area_path ? { name: r.team, areaPath: r.team_area_path } : null, channel: r.channel,
          template: r.template, params: typeof r.params === 'string' ? JSON.parse(r.params) : r.params, attempts: r.attempts,
        };
        try {
          await adapter.deliver(item);
          await trx.updateTable('notification_outbox').set({ status: 'sent', attempts: r.attempts + 1, sent_at: sql`now()`, last_error: null }).where('id', '=', r.id).execute();
          result.sent += 1;
        } catch (err) {
          const attempts = r.attempts + 1;
          const final = attempts >= maxAttempts;
          await trx.updateTable('notification_outbox').set({
            status: final ? 'failed' : 'pending', attempts, last_error: errorLabel(err),
            next_attempt_at: sql`now() + make_interval(secs => ${backoffSeconds(attempts)})`,
          }).where('id', '=', r.id).execute();
          if (final) result.failed += 1;
          else result.retrying += 1;
        }
      }
      return rows.rows.length < batchSize;
    });
    if (done) break;
  }
  return result;
}

export const DeliverPayload = z.object({}).passthrough();

/** Runs every minute; the adapter is the record-only one until a gateway is configured. */
export function deliverNotificationsJob(deps: Omit<Deps, 'jobs'>, adapter: NotificationAdapter = new RecordOnlyAdapter()): JobDefinition<typeof DeliverPayload> {
  return { name: 'notifications.deliver', payload: DeliverPayload, cron: '* * * * *', policy: 'singleton', handler: () => deliverPendingNotifications(deps.db, adapter) };
}
