import { uuidv7, type Database, type Transaction, type DB } from '@sen/db';

export type NotificationChannel = 'sms' | 'app';
/** Teams a message can be addressed to, in an area (the tracers of a commune). */
export type NotificationTeam = 'tracing';

/** A message is for one person, or for one team of an area (one message for the team, not one per member). */
export interface NotificationRequest {
  personId?: string;
  team?: { name: NotificationTeam; areaPath: string };
  channel: NotificationChannel;
  /** Dotted template name, e.g. 'vaccination.invitation'; the adapter renders it. */
  template: string;
  params: Record<string, string>;
  /** Same key, same message: a second enqueue with this key does nothing (retries, regenerated invitations). */
  dedupeKey: string;
}

/**
 * Queues a message in the outbox, in the caller's transaction so the message exists exactly when the event that
 * caused it commits. Returns true when a new message was queued, false when the dedupe key was already there.
 */
export async function enqueueNotification(trx: Database | Transaction<DB>, request: NotificationRequest): Promise<boolean> {
  if ((request.personId === undefined) === (request.team === undefined)) throw new Error('A notification is for a person or for a team, exactly one');
  const inserted = await trx
    .insertInto('notification_outbox')
    .values({
      id: uuidv7(),
      person_id: request.personId ?? null,
      team: request.team?.name ?? null,
      team_area_path: request.team?.areaPath ?? null,
      channel: request.channel,
      template: request.template,
      params: JSON.stringify(request.params),
      dedupe_key: request.dedupeKey,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}
