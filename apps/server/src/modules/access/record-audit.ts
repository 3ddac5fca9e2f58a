import { uuidv7, type Database, type Transaction, type DB } from '@sen/db';
import type { RequestContext } from '../../context';

export interface AuditEvent {
  /** Dotted verb: person.read, person.create, person.merge, user.login, audit.query ... */
  action: string;
  entityType?: string;
  entityId?: string | null;
  areaPath?: string | null;
  /** What changed or why; never personal data beyond ids (the log is kept longer than most records). */
  details?: Record<string, unknown>;
}

/** Appends to the audit log, in the caller's transaction when there is one, so a write and its audit commit together. */
export async function recordAudit(db: Database | Transaction<DB>, ctx: RequestContext, event: AuditEvent): Promise<void> {
  await recordAuditMany(db, ctx, [event]);
}

export async function recordAuditMany(db: Database | Transaction<DB>, ctx: RequestContext, events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      events.map((e) => ({
        id: uuidv7(),
        actor_user_id: ctx.actor?.userId ?? null,
        actor_username: ctx.actor?.username ?? null,
        action: e.action,
        entity_type: e.entityType ?? null,
        entity_id: e.entityId ?? null,
        area_path: e.areaPath ?? null,
        ip: ctx.ip,
        request_id: ctx.requestId,
        details: JSON.stringify(e.details ?? {}),
      })),
    )
    .execute();
}
