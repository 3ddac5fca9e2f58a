import type { Database } from '@sen/db';
import { notFound, type Scope } from '@sen/domain';
import type { RequestContext } from '../../context';
import { assertRecordAccess, scopePaths } from '../access/authorize';
import { findPersonRow, type PersonRow } from './repo';

/**
 * How the people module answers a record the actor may not use (one rule for every route):
 * - not even readable by them (outside their people:read jurisdiction) -> 404, exactly as if it did not exist, so ids
 *   cannot be probed for existence across jurisdictions;
 * - readable but outside the jurisdiction of the scope the operation needs (for example people:write) -> 403.
 * Areas and communes are public reference data, so naming a commune outside the jurisdiction is a plain 403.
 */
export function assertPersonAccess(ctx: RequestContext, scope: Scope, areaPath: string | null, what = 'Person'): void {
  assertRecordAccess(ctx, scope, 'people:read', areaPath, what);
}

/** Loads a person for an operation that needs `scope`; 404/403 as above. */
export async function loadPersonFor(db: Database, ctx: RequestContext, id: string, scope: Scope, options: { forUpdate?: boolean } = {}): Promise<PersonRow> {
  scopePaths(ctx, scope);
  const row = await findPersonRow(db, id, options);
  if (!row) throw notFound('Person');
  assertPersonAccess(ctx, scope, row.area_path);
  return row;
}

