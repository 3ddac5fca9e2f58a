import { sql } from '@sen/db';
import { conflict } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { checkHours, cleanSiteName, resolveSiteStore } from './create-site';
import { cleanNote } from './ledger';
import { findSite, loadSiteFor, siteView } from './sites-repo';
import type { SiteKind } from './sites-schemas';

export interface SitePatch {
  version: number;
  kind?: SiteKind | undefined;
  name?: string | undefined;
  address?: string | null | undefined;
  capacityPerHour?: number | undefined;
  openingDays?: number[] | undefined;
  opensAt?: string | undefined;
  closesAt?: string | undefined;
  storeId?: string | null | undefined;
  active?: boolean | undefined;
}

/**
 * Edits a site with optimistic concurrency (as people): the client sends the version it read and a stale one is refused
 * with 409 version_conflict. The commune of a site does not change (a site that moves is a new site).
 */
export async function updateSite(deps: Deps, ctx: RequestContext, id: string, patch: SitePatch) {
  await deps.db.transaction().execute(async (trx) => {
    const row = await loadSiteFor(trx, ctx, id, 'vaccination:write', { forUpdate: true });
    if (row.version !== patch.version) throw conflict('version_conflict', 'Someone else changed this site since you opened it; reload and try again', { currentVersion: row.version });
    const next = {
      kind: patch.kind ?? row.kind,
      name: patch.name === undefined ? row.name : cleanSiteName(patch.name),
      address: patch.address === undefined ? row.address : patch.address === null ? null : cleanNote(patch.address, 'address', 500),
      capacity_per_hour: patch.capacityPerHour ?? row.capacity_per_hour,
      opening_days: patch.openingDays ? [...patch.openingDays].sort((a, b) => a - b) : row.opening_days.map(Number),
      opens_at: patch.opensAt ?? row.opens_at,
      closes_at: patch.closesAt ?? row.closes_at,
      store_id: patch.storeId === undefined ? row.store_id : patch.storeId,
      active: patch.active ?? row.active,
    };
    checkHours(next.opens_at, next.closes_at);
    if (next.store_id && next.store_id !== row.store_id) next.store_id = await resolveSiteStore(trx, ctx, next.store_id, row.area_path);
    const changed = Object.keys(next).filter((k) => JSON.stringify(next[k as keyof typeof next]) !== JSON.stringify(row[k as keyof typeof row]));
    if (changed.length === 0) return;
    const res = await trx
      .updateTable('vaccination_sites')
      .set({ ...next, version: sql`version + 1`, updated_at: sql`now()` })
      .where('id', '=', id)
      .where('version', '=', patch.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('version_conflict', 'Someone else changed this site since you opened it; reload and try again');
    await recordAudit(trx, ctx, { action: 'site.update', entityType: 'vaccination_site', entityId: id, areaPath: row.area_path, details: { changed, version: patch.version + 1 } });
  });
  return siteView((await findSite(deps.db, id))!);
}
