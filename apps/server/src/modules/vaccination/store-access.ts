import type { Database } from '@sen/db';
import { forbidden, notFound, type Scope } from '@sen/domain';
import type { RequestContext } from '../../context';
import { canAccessArea, scopePaths } from '../access/authorize';
import { findStore, type StoreRow } from './repo';

/**
 * How the vaccination module answers a store the actor may not use, the same rule as the people module
 * (people-access.ts): outside their vaccination:read jurisdiction it does not exist (404, so ids cannot be probed);
 * readable but outside the jurisdiction of the scope the operation needs (vaccination:write) -> 403. The same rule
 * serves the other records of the supply chain (shipments, allocation plans), named by `what`.
 */
export function assertStoreAccess(ctx: RequestContext, scope: Scope, areaPath: string, what = 'Store', details: Record<string, unknown> = {}): void {
  scopePaths(ctx, scope);
  if (canAccessArea(ctx, scope, areaPath)) return;
  if (canAccessArea(ctx, 'vaccination:read', areaPath)) throw forbidden(`This ${what.toLowerCase()} is outside your jurisdiction`, { scope, ...details });
  throw notFound(what, details);
}

/** Loads a store for an operation that needs `scope`; 404/403 as above. */
export async function loadStoreFor(db: Database, ctx: RequestContext, id: string, scope: Scope, field = 'id'): Promise<StoreRow> {
  scopePaths(ctx, scope);
  const row = await findStore(db, id);
  if (!row) throw notFound('Store', { field });
  assertStoreAccess(ctx, scope, row.area_path, 'Store', { field });
  return row;
}
