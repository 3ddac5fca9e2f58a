import { sql } from '@sen/db';
import { canMoveAlert, conflict, notFound, toNfc, type AlertStatus } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, requireActor, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { alertView, selectAlerts, type DeclarationAlert } from './alerts-repo';

export interface AlertUpdate {
  version: number;
  status: 'acknowledged' | 'closed';
  note?: string;
}

/**
 * The tracing team of the alert's commune acknowledges or closes it (forward only; send the version you read).
 * An alert outside the actor's tracing:run jurisdiction answers 404, as if it did not exist.
 */
export async function updateAlert(deps: Deps, ctx: RequestContext, id: string, input: AlertUpdate): Promise<DeclarationAlert> {
  const actor = requireActor(ctx);
  scopePaths(ctx, 'tracing:run');
  return deps.db.transaction().execute(async (trx) => {
    const row = await selectAlerts(trx).where('a.id', '=', id).forUpdate('a').executeTakeFirst();
    if (!row || !canAccessArea(ctx, 'tracing:run', row.area_path)) throw notFound('Alert');
    if (row.version !== input.version) throw conflict('version_conflict', 'The alert changed since you read it: reload it', { current: row.version });
    if (!canMoveAlert(row.status as AlertStatus, input.status)) throw conflict('invalid_transition', `An alert that is ${row.status} cannot become ${input.status}`, { from: row.status, to: input.status });
    const note = input.note === undefined ? row.note : toNfc(input.note).trim() || null;
    await trx
      .updateTable('declaration_alerts')
      .set({
        status: input.status, note, version: sql`version + 1`,
        ...(input.status === 'acknowledged' ? { acknowledged_at: sql`now()`, acknowledged_by: actor.userId } : { closed_at: sql`now()`, closed_by: actor.userId }),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, { action: `declaration_alert.${input.status === 'acknowledged' ? 'acknowledge' : 'close'}`, entityType: 'declaration_alert', entityId: id, areaPath: row.area_path, details: { personId: row.person_id, from: row.status } });
    return alertView((await selectAlerts(trx).where('a.id', '=', id).executeTakeFirst())!);
  });
}
