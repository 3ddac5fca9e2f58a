import { sql } from '@sen/db';
import type { AlertStatus } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { jurisdictionSql } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { alertView, selectAlerts, type DeclarationAlert } from './alerts-repo';

export interface AlertListQuery {
  status?: AlertStatus;
  communeCode?: string;
  limit?: number;
  before?: string;
}

/**
 * Declaration alerts of the communes where the actor holds tracing:run, newest first. The jurisdiction is in the
 * SQL (nothing outside it is fetched or counted). The list names people with health data: audited.
 */
export async function listAlerts(deps: Deps, ctx: RequestContext, query: AlertListQuery): Promise<{ items: DeclarationAlert[]; nextBefore: string | null }> {
  const limit = query.limit ?? 50;
  let q = selectAlerts(deps.db).where(jurisdictionSql(ctx, 'tracing:run', sql`a.area_path`));
  if (query.status) q = q.where('a.status', '=', query.status);
  if (query.communeCode) q = q.where('p.commune_code', '=', query.communeCode);
  if (query.before) q = q.where('a.created_at', '<', new Date(query.before));
  const rows = await q.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  await recordAudit(deps.db, ctx, {
    action: 'declaration_alert.list', entityType: 'declaration_alert',
    details: { count: page.length, status: query.status ?? null, communeCode: query.communeCode ?? null, personIds: [...new Set(page.map((r) => r.person_id))] },
  });
  return { items: page.map(alertView), nextBefore: rows.length > limit ? new Date(page[page.length - 1]!.created_at).toISOString() : null };
}
