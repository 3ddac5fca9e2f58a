import type { Deps, RequestContext } from '../../context';
import { scopePaths } from '../access/authorize';
import { lotView, selectLots, type LotRow } from './repo';

/** Lots, newest first. Lots are national reference data: any holder of vaccination:read sees them all. */
export async function listLots(deps: Deps, ctx: RequestContext, input: { vaccineCode?: string | undefined; limit: number; offset: number }) {
  scopePaths(ctx, 'vaccination:read');
  let q = selectLots(deps.db);
  if (input.vaccineCode) q = q.where('l.vaccine_code', '=', input.vaccineCode);
  const rows = (await q.orderBy('l.id', 'desc').limit(input.limit + 1).offset(input.offset).execute()) as LotRow[];
  return { items: rows.slice(0, input.limit).map(lotView), hasMore: rows.length > input.limit };
}
