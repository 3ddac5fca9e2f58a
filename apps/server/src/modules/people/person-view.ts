import type { Database } from '@sen/db';
import type { RequestContext } from '../../context';
import { hasScope, jurisdictionSql } from '../access/authorize';
import { selectPeople, summariesOf, type Person, type PersonRow, type PersonSummary } from './repo';

/**
 * Members of a household as this actor may see them: staff see the members inside their people:read jurisdiction;
 * a citizen reading their own record sees only themselves (their relatives' identifiers are not theirs to read).
 */
export async function householdMembers(db: Database, ctx: RequestContext, householdId: string, self: string | null): Promise<PersonSummary[]> {
  let q = selectPeople(db).where('p.household_id', '=', householdId).where('p.merged_into', 'is', null).orderBy('p.birth_date').orderBy('p.id').limit(200);
  if (hasScope(ctx, 'people:read')) q = q.where(jurisdictionSql(ctx, 'people:read', 'p.area_path'));
  else q = q.where('p.id', '=', self ?? '00000000-0000-0000-0000-000000000000');
  return summariesOf(db, await q.execute());
}

/** The full record as the API shows it. */
export async function personView(db: Database, ctx: RequestContext, row: PersonRow): Promise<Person> {
  const [summary] = await summariesOf(db, [row]);
  const members = row.household_id ? await householdMembers(db, ctx, row.household_id, row.id) : null;
  return {
    ...summary!,
    address: row.address,
    householdId: row.household_id,
    householdRole: row.household_role,
    household: row.household_id ? { id: row.household_id, members: members ?? [] } : null,
    mergedInto: row.merged_into,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
  };
}
