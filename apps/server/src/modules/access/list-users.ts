import { sql } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { jurisdictionSql } from './authorize';

/** Users holding at least one role inside the actor's users:manage jurisdiction. */
export async function listUsers(deps: Deps, ctx: RequestContext, q: { q?: string | undefined; limit: number }) {
  const within = jurisdictionSql(ctx, 'users:manage', 'ur.area_path');
  let query = deps.db
    .selectFrom('users as u')
    .innerJoin('user_roles as ur', 'ur.user_id', 'u.id')
    .select(['u.id', 'u.username', 'u.display_name as displayName', 'u.disabled_at as disabledAt', sql<string[]>`array_agg(ur.role_code || '@' || ur.area_code ORDER BY ur.role_code)`.as('roles')])
    .where(within)
    .groupBy(['u.id', 'u.username', 'u.display_name', 'u.disabled_at'])
    .orderBy('u.username')
    .limit(q.limit);
  if (q.q) query = query.where('u.username', 'like', `%${q.q.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`);
  return query.execute();
}
