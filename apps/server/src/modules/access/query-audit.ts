import { sql } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { jurisdictionSql } from './authorize';
import { recordAudit } from './record-audit';

export interface AuditQuery {
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  actor?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
}

/**
 * Reads the audit log, newest first. An administrator below the country level sees the events about records in
 * their areas, and their own events. Reading the audit log is itself audited.
 */
export async function queryAudit(deps: Deps, ctx: RequestContext, q: AuditQuery) {
  const within = jurisdictionSql(ctx, 'audit:read', 'area_path');
  let query = deps.db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor_user_id', 'actor_username', 'action', 'entity_type', 'entity_id', sql<string | null>`host(ip)`.as('ip'), 'request_id', 'details'])
    .where((eb) => eb.or([eb(within, '=', true), eb('actor_user_id', '=', ctx.actor!.userId)]))
    .orderBy('at', 'desc')
    .limit(q.limit);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.entityType) query = query.where('entity_type', '=', q.entityType);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.actor) query = query.where('actor_username', '=', q.actor.toLowerCase());
  if (q.from) query = query.where('at', '>=', q.from);
  if (q.to) query = query.where('at', '<', q.to);
  const rows = await query.execute();
  await recordAudit(deps.db, ctx, { action: 'audit.query', details: { action: q.action, entityType: q.entityType, entityId: q.entityId, actor: q.actor } });
  return rows;
}
