import { uuidv7, type Database, type DB, type Transaction } from '@sen/db';
import { forbidden } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { findAreaByCode } from '../areas/repo';
import { cleanNote } from './ledger';
import { findStore } from './repo';
import { fieldError, findSite, siteView } from './sites-repo';
import type { SiteKind } from './sites-schemas';
import { assertVaccinationAccess } from './vaccination-access';

export interface SiteInput {
  kind: SiteKind;
  name: string;
  areaCode: string;
  address?: string | null | undefined;
  capacityPerHour: number;
  openingDays: number[];
  opensAt: string;
  closesAt: string;
  storeId?: string | null | undefined;
  active?: boolean | undefined;
}

export function cleanSiteName(raw: string): string {
  const name = cleanNote(raw, 'name', 200);
  if (!name) throw fieldError('invalid_text', 'name', 'The name is empty');
  return name;
}

export function checkHours(opensAt: string, closesAt: string): void {
  // HH:MM strings compare in time order.
  if (closesAt <= opensAt) throw fieldError('invalid_hours', 'closesAt', 'The site must close after it opens (same day)');
}

/** A site's own store: a vaccine store of level site, in the site's commune, usable by the actor. */
export async function resolveSiteStore(db: Database | Transaction<DB>, ctx: RequestContext, storeId: string, areaPath: string): Promise<string> {
  const store = await findStore(db, storeId);
  if (!store) throw fieldError('unknown_store', 'storeId', 'No vaccine store has this id');
  assertVaccinationAccess(ctx, 'vaccination:write', store.area_path, 'Store', { field: 'storeId' });
  if (store.level !== 'site' || store.area_path !== areaPath) throw fieldError('invalid_store', 'storeId', "The site's store must be a store of level site in the site's commune");
  return store.id;
}

/**
 * Creates a vaccination site in a commune of the actor's vaccination:write jurisdiction. Areas are public reference
 * data, so naming a commune outside the jurisdiction is a plain 403 (after the area is known to be a commune).
 */
export async function createSite(deps: Deps, ctx: RequestContext, input: SiteInput) {
  scopePaths(ctx, 'vaccination:write');
  const name = cleanSiteName(input.name);
  const address = input.address == null ? null : cleanNote(input.address, 'address', 500);
  checkHours(input.opensAt, input.closesAt);
  const area = await findAreaByCode(deps.db, input.areaCode);
  if (!area) throw fieldError('unknown_area', 'areaCode', 'No area has this code');
  if (area.kind !== 'commune') throw fieldError('not_a_commune', 'areaCode', `A site belongs in a commune, not a ${area.kind}`);
  if (!canAccessArea(ctx, 'vaccination:write', area.path)) throw forbidden('This area is outside your jurisdiction', { scope: 'vaccination:write', field: 'areaCode' });
  const storeId = input.storeId ? await resolveSiteStore(deps.db, ctx, input.storeId, area.path) : null;
  const id = uuidv7();
  const openingDays = [...input.openingDays].sort((a, b) => a - b);
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('vaccination_sites').values({
      id, kind: input.kind, name, area_code: area.code, area_path: area.path, address, capacity_per_hour: input.capacityPerHour, opening_days: openingDays,
      opens_at: input.opensAt, closes_at: input.closesAt, store_id: storeId, active: input.active ?? true, created_by: ctx.actor?.userId ?? null,
    }).execute();
    await recordAudit(trx, ctx, { action: 'site.create', entityType: 'vaccination_site', entityId: id, areaPath: area.path, details: { kind: input.kind, areaCode: area.code, storeId } });
  });
  return siteView((await findSite(deps.db, id))!);
}
