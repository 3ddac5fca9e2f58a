import { uuidv7 } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { ADDRESS_MAX } from './create-person';
import { cleanOptionalText, resolveCommune } from './validate';

export interface HouseholdInput {
  address?: string | null | undefined;
  communeCode: string;
}

/** A household (hộ gia đình) in a commune of the actor's jurisdiction; people join it through householdId. */
export async function createHousehold(deps: Deps, ctx: RequestContext, input: HouseholdInput): Promise<{ id: string }> {
  scopePaths(ctx, 'people:write');
  const address = cleanOptionalText(input.address, 'address', ADDRESS_MAX);
  const commune = await resolveCommune(deps.db, ctx, input.communeCode, 'people:write');
  const id = uuidv7();
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('households').values({ id, address, commune_code: commune.code, area_path: commune.path }).execute();
    await recordAudit(trx, ctx, { action: 'household.create', entityType: 'household', entityId: id, areaPath: commune.path });
  });
  return { id };
}
