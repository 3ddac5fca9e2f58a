import { sql } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { jurisdictionSql, scopePaths } from '../access/authorize';
import { loadShiftFor, loadSiteFor, selectShifts, shiftViews } from './sites-repo';

interface Range {
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
}

/** The shifts of a site, by Viet Nam day (from and to inclusive), in time order. */
export async function listSiteShifts(deps: Deps, ctx: RequestContext, siteId: string, input: Range) {
  const site = await loadSiteFor(deps.db, ctx, siteId, 'vaccination:read');
  let q = selectShifts(deps.db).where('sh.site_id', '=', site.id);
  if (input.from) q = q.where(sql<boolean>`sh.shift_date >= ${input.from}::date`);
  if (input.to) q = q.where(sql<boolean>`sh.shift_date <= ${input.to}::date`);
  const rows = await q.orderBy('sh.starts_at').orderBy('sh.id').limit(input.limit + 1).offset(input.offset).execute();
  return { items: await shiftViews(deps.db, rows.slice(0, input.limit)), hasMore: rows.length > input.limit };
}

/** A person's shifts at the sites of the actor's vaccination:read jurisdiction (filtered in SQL), in time order. */
export async function listPersonShifts(deps: Deps, ctx: RequestContext, personId: string, input: Range) {
  scopePaths(ctx, 'vaccination:read');
  let q = selectShifts(deps.db)
    .innerJoin('shift_members as m', 'm.shift_id', 'sh.id')
    .innerJoin('vaccination_sites as s', 's.id', 'sh.site_id')
    .where('m.person_id', '=', personId)
    .where(jurisdictionSql(ctx, 'vaccination:read', sql`s.area_path`));
  if (input.from) q = q.where(sql<boolean>`sh.shift_date >= ${input.from}::date`);
  if (input.to) q = q.where(sql<boolean>`sh.shift_date <= ${input.to}::date`);
  const rows = await q.orderBy('sh.starts_at').orderBy('sh.id').limit(input.limit + 1).offset(input.offset).execute();
  return { items: await shiftViews(deps.db, rows.slice(0, input.limit)), hasMore: rows.length > input.limit };
}

export async function getShift(deps: Deps, ctx: RequestContext, id: string) {
  const { shift } = await loadShiftFor(deps.db, ctx, id, 'vaccination:read');
  return (await shiftViews(deps.db, [shift]))[0]!;
}
