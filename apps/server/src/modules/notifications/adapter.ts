import { renderNotification } from './templates';

export interface OutboxItem {
  id: string;
  /** The person the message is for, or null when it is for a team. */
  personId: string | null;
  /** The team of an area the message is for (the adapter routes it to that team's channel), or null. */
  team: { name: string; areaPath: string } | null;
  channel: 'sms' | 'app';
  template: string;
  params: Record<string, string>;
  attempts: number;
}

/** Hands a message to whatever carries it (an SMS gateway, the app's push service). Throws to ask for a retry. */
export interface NotificationAdapter {
  readonly name: string;
  deliver(item: OutboxItem): Promise<void>;
}

/**
 * The default: nothing leaves the machine. The message is rendered (so a broken template fails here as it would
 * with a real gateway) and counted; the outbox row marked sent is the record. Logs carry no personal data.
 */
export class RecordOnlyAdapter implements NotificationAdapter {
  readonly name = 'record-only';
  delivered = 0;

  async deliver(item: OutboxItem): Promise<void> {
    renderNotification(item.template, item.params);
    this.delivered += 1;
  }
}
