import { uuidv7 } from '@sen/db';
import { badRequest, catalogAt, conflict, findVaccine, forbidden } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { cleanNote } from './ledger';
import { findLot, lotView } from './repo';

export interface LotInput {
  vaccineCode: string;
  lotNumber: string;
  expiryDate: string;
  dosesPerVial?: number | undefined;
}

/** Country or province: an ltree path of at most two labels (VN, VN.01). */
export function atProvinceOrAbove(paths: readonly string[]): boolean {
  return paths.some((p) => p.split('.').length <= 2);
}

/**
 * Registers a lot of a vaccine in the catalog in force today. Lots are national reference data (any store may hold
 * them), registered by holders of vaccination:write at country or province level.
 */
export async function createLot(deps: Deps, ctx: RequestContext, input: LotInput) {
  const paths = scopePaths(ctx, 'vaccination:write');
  if (!atProvinceOrAbove(paths)) throw forbidden('Lots are registered by vaccination staff at country or province level', { scope: 'vaccination:write' });
  const vaccine = findVaccine(catalogAt(new Date()), input.vaccineCode);
  if (!vaccine) throw badRequest('unknown_vaccine', 'vaccineCode: Not a vaccine of the catalog in force', { field: 'vaccineCode', errors: [{ field: 'vaccineCode', message: 'Not a vaccine of the catalog in force' }] });
  const lotNumber = cleanNote(input.lotNumber, 'lotNumber', 60);
  if (!lotNumber) throw badRequest('invalid_text', 'lotNumber: The lot number is empty', { field: 'lotNumber', errors: [{ field: 'lotNumber', message: 'The lot number is empty' }] });
  const id = uuidv7();
  await deps.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('vaccine_lots')
      .values({ id, vaccine_code: vaccine.code, lot_number: lotNumber, expiry_date: input.expiryDate, doses_per_vial: input.dosesPerVial ?? vaccine.defaultDosesPerVial, created_by: ctx.actor?.userId ?? null })
      .onConflict((oc) => oc.columns(['vaccine_code', 'lot_number']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw conflict('lot_exists', `Lot ${lotNumber} of ${vaccine.code} is already registered`, { field: 'lotNumber' });
    await recordAudit(trx, ctx, { action: 'lot.create', entityType: 'vaccine_lot', entityId: id, details: { vaccineCode: vaccine.code, lotNumber, expiryDate: input.expiryDate } });
  });
  return lotView((await findLot(deps.db, id))!);
}
