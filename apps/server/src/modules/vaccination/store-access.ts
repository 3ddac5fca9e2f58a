import type { Database } from '@sen/db';
import { notFound, type Scope } from '@sen/domain';
import type { RequestContext } from '../../context';
import { scopePaths } from '../access/authorize';
import { findStore, type StoreRow } from './repo';
import { assertVaccinationAccess } from './vaccination-access';

/** Loads a store for an operation that needs `scope`; 404/403 by the module's rule (vaccination-access.ts). */
export async function loadStoreFor(db: Database, ctx: RequestContext, id: string, scope: Scope, field = 'id'): Promise<StoreRow> {
  scopePaths(ctx, scope);
  const row = await findStore(db, id);
  if (!row) throw notFound('Store', { field });
  assertVaccinationAccess(ctx, scope, row.area_path, 'Store', { field });
  return row;
}
