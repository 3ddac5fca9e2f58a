import { sql } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { jurisdictionSql, scopePaths } from '../access/authorize';
import { areaPathOf } from '../areas/repo';
import { selectStores, storeView } from './repo';
import type { StoreLevel } from './schemas';

/** Stores in the actor's vaccination:read jurisdiction (filtered in SQL), optionally inside an area and of a level. */
export async function listStores(deps: Deps, ctx: RequestContext, input: { level?: StoreLevel | undefined; area?: string | undefined; limit: number; offset: number }) {
  scopePaths(ctx, 'vaccination:read');
  let q = selectStores(deps.db).where(jurisdictionSql(ctx, 'vaccination:read', sql`s.area_path`));
  if (input.level) q = q.where('s.level', '=', input.level);
  if (input.area) {
    const path = await areaPathOf(deps.db, input.area);
    if (!path) return { items: [], hasMore: false };
    q = q.where(sql<boolean>`s.area_path <@ ${path}::ltree`);
  }
  const rows = await q.orderBy('s.area_path').orderBy('s.name').orderBy('s.id').limit(input.limit + 1).offset(input.offset).execute();
  return { items: rows.slice(0, input.limit).map(storeView), hasMore: rows.length > input.limit };
}
