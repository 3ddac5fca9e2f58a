import { uuidv7 } from '@sen/db';
import { badRequest, forbidden, notFound, pathWithin } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { findAreaByCode } from '../areas/repo';
import { cleanNote } from './ledger';
import { findStore, storeView } from './repo';
import { STORE_LEVELS, type StoreLevel } from './schemas';

export interface StoreInput {
  name: string;
  level: StoreLevel;
  areaCode: string;
  parentStoreId?: string | null | undefined;
}

/** The kind of area a store of each level sits in (2021's district level has no stores of its own). */
const AREA_KIND: Record<StoreLevel, string> = { national: 'country', province: 'province', commune: 'commune', site: 'commune' };

function fieldError(code: string, field: string, message: string) {
  return badRequest(code, `${field}: ${message}`, { field, errors: [{ field, message }] });
}

/**
 * Creates a store in an area of the actor's vaccination:write jurisdiction. The level must match the area (a
 * province store in a province...) and a parent store, when given, must be of a higher level in an area that
 * contains this one. Areas are public reference data, so naming one outside the jurisdiction is a plain 403.
 */
export async function createStore(deps: Deps, ctx: RequestContext, input: StoreInput) {
  scopePaths(ctx, 'vaccination:write');
  const name = cleanNote(input.name, 'name', 200);
  if (!name) throw fieldError('invalid_text', 'name', 'The name is empty');
  const area = await findAreaByCode(deps.db, input.areaCode);
  if (!area) throw fieldError('unknown_area', 'areaCode', 'No area has this code');
  if (area.kind !== AREA_KIND[input.level]) throw fieldError('level_mismatch', 'level', `A ${input.level} store belongs in a ${AREA_KIND[input.level]}, not a ${area.kind}`);
  if (!canAccessArea(ctx, 'vaccination:write', area.path)) throw forbidden('This area is outside your jurisdiction', { scope: 'vaccination:write', field: 'areaCode' });
  let parentId: string | null = null;
  if (input.parentStoreId) {
    const parent = await findStore(deps.db, input.parentStoreId);
    if (!parent) throw notFound('Store', { field: 'parentStoreId' });
    if (!pathWithin(area.path, [parent.area_path]) || STORE_LEVELS.indexOf(parent.level as StoreLevel) >= STORE_LEVELS.indexOf(input.level)) {
      throw fieldError('invalid_parent', 'parentStoreId', 'The parent store must be of a higher level, in an area that contains this one');
    }
    parentId = parent.id;
  }
  const id = uuidv7();
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('vaccine_stores').values({ id, name, level: input.level, area_code: area.code, area_path: area.path, parent_store_id: parentId, created_by: ctx.actor?.userId ?? null }).execute();
    await recordAudit(trx, ctx, { action: 'store.create', entityType: 'vaccine_store', entityId: id, areaPath: area.path, details: { level: input.level, areaCode: area.code, parentStoreId: parentId } });
  });
  return storeView((await findStore(deps.db, id))!);
}
