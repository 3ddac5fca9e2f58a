import { badRequest, conflict, forbidden, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { COUNTRY_PATH, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { cleanNote } from './ledger';
import { findLot, lotView } from './repo';

/** Recalls a lot (national level only): from now on it may not be received, shipped or issued (409 lot_recalled). */
export async function recallLot(deps: Deps, ctx: RequestContext, id: string, input: { reason: string }) {
  const paths = scopePaths(ctx, 'vaccination:write');
  if (!paths.includes(COUNTRY_PATH)) throw forbidden('Only national vaccination staff may recall a lot', { scope: 'vaccination:write' });
  const reason = cleanNote(input.reason, 'reason');
  if (!reason) throw badRequest('invalid_text', 'reason: Give the reason for the recall', { field: 'reason', errors: [{ field: 'reason', message: 'Give the reason for the recall' }] });
  await deps.db.transaction().execute(async (trx) => {
    const lot = await trx.selectFrom('vaccine_lots').select(['id', 'recalled_at']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!lot) throw notFound('Lot');
    if (lot.recalled_at) throw conflict('already_recalled', 'This lot is already recalled', { lotId: id });
    await trx.updateTable('vaccine_lots').set({ recalled_at: new Date(), recall_reason: reason, recalled_by: ctx.actor?.userId ?? null }).where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'lot.recall', entityType: 'vaccine_lot', entityId: id, details: { reason } });
  });
  return lotView((await findLot(deps.db, id))!);
}
