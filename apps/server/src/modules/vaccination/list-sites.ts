import { sql } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { jurisdictionSql, scopePaths } from '../access/authorize';
import { areaPathOf } from '../areas/repo';
import { loadSiteFor, selectSites, siteView } from './sites-repo';
import type { SiteKind } from './sites-schemas';

/** Sites in the actor's vaccination:read jurisdiction (filtered in SQL), optionally inside an area, of a kind, active or not. */
export async function listSites(deps: Deps, ctx: RequestContext, input: { area?: string | undefined; kind?: SiteKind | undefined; active?: 'true' | 'false' | undefined; limit: number; offset: number }) {
  scopePaths(ctx, 'vaccination:read');
  let q = selectSites(deps.db).where(jurisdictionSql(ctx, 'vaccination:read', sql`s.area_path`));
  if (input.kind) q = q.where('s.kind', '=', input.kind);
  if (input.active) q = q.where('s.active', '=', input.active === 'true');
  if (input.area) {
    const path = await areaPathOf(deps.db, input.area);
    if (!path) return { items: [], hasMore: false };
    q = q.where(sql<boolean>`s.area_path <@ ${path}::ltree`);
  }
  const rows = await q.orderBy('s.area_path').orderBy('s.name').orderBy('s.id').limit(input.limit + 1).offset(input.offset).execute();
  return { items: rows.slice(0, input.limit).map(siteView), hasMore: rows.length > input.limit };
}

export async function getSite(deps: Deps, ctx: RequestContext, id: string) {
  return siteView(await loadSiteFor(deps.db, ctx, id, 'vaccination:read'));
}
