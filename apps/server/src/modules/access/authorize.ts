import { forbidden, notFound, pathWithin, type Scope } from '@sen/domain';
import { AppError } from '@sen/domain';
import { sql, type RawBuilder } from '@sen/db';
import type { Actor, RequestContext } from '../../context';

export const COUNTRY_PATH = 'VN';

export function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new AppError('unauthenticated', 'Sign in first', {}, 401);
  return ctx.actor;
}

/** The area paths where the actor holds a scope; refuses when they hold it nowhere. */
export function scopePaths(ctx: RequestContext, scope: Scope): readonly string[] {
  const actor = requireActor(ctx);
  const paths = actor.grants.get(scope);
  if (!paths || paths.length === 0) throw forbidden(`This needs the permission ${scope}`, { scope });
  return paths;
}

export function hasScope(ctx: RequestContext, scope: Scope): boolean {
  return (ctx.actor?.grants.get(scope)?.length ?? 0) > 0;
}

/** Whether the actor may act with this scope on a record in this area (a record with no area needs the country). */
export function canAccessArea(ctx: RequestContext, scope: Scope, areaPath: string | null): boolean {
  const paths = ctx.actor?.grants.get(scope) ?? [];
  if (paths.includes(COUNTRY_PATH)) return true;
  return areaPath !== null && pathWithin(areaPath, paths);
}

export function assertAreaAccess(ctx: RequestContext, scope: Scope, areaPath: string | null): void {
  scopePaths(ctx, scope);
  if (!canAccessArea(ctx, scope, areaPath)) throw forbidden('This record is outside your jurisdiction', { scope });
}

/**
 * How a module answers a record the actor may not use: outside their `readScope` jurisdiction it does not exist
 * (404, exactly as if it did not, so ids cannot be probed across jurisdictions); readable but outside the
 * jurisdiction of the scope the operation needs -> 403. `what` names the record ("Site", "Person").
 */
export function assertRecordAccess(ctx: RequestContext, scope: Scope, readScope: Scope, areaPath: string | null, what: string, details: Record<string, unknown> = {}): void {
  scopePaths(ctx, scope);
  if (canAccessArea(ctx, scope, areaPath)) return;
  if (canAccessArea(ctx, readScope, areaPath)) throw forbidden(`This ${what.toLowerCase()} is outside your jurisdiction`, { scope, ...details });
  throw notFound(what, details);
}

/**
 * The same jurisdiction as a SQL condition on an ltree column, so lists and searches never fetch what the actor
 * may not see (the route check alone would leak counts and timing). Written as `path ? lquery[]`
 * ('VN.01.00004.*' matches the area and everything below it) because the GiST index on an ltree column serves
 * that operator, while `path <@ ltree[]` would scan the table.
 */
export function jurisdictionSql(ctx: RequestContext, scope: Scope, column: RawBuilder<unknown> | string): RawBuilder<boolean> {
  const paths = scopePaths(ctx, scope);
  const col = typeof column === 'string' ? sql.ref(column) : column;
  if (paths.includes(COUNTRY_PATH)) return sql<boolean>`true`;
  return sql<boolean>`${col} ? ${sql.val(paths.map((p) => `${p}.*`))}::lquery[]`;
}
