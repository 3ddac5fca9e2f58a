import { AppError } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { requireActor, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { personView } from './person-view';
import { findPersonRow, type Person } from './repo';

/** A chain longer than this is corrupt data, not a history of merges (merges keep chains one step long). */
const MAX_MERGE_HOPS = 10;

/** The signed-in citizen's own record, following merges to the surviving record. Audited as a read. */
export async function myPerson(deps: Deps, ctx: RequestContext): Promise<Person> {
  const actor = requireActor(ctx);
  scopePaths(ctx, 'self:read');
  const notLinked = () => new AppError('not_linked', 'Your account is not linked to a person record yet', {}, 404);
  if (!actor.personId) throw notLinked();
  let row = await findPersonRow(deps.db, actor.personId);
  for (let hops = 0; row?.merged_into && hops < MAX_MERGE_HOPS; hops++) row = await findPersonRow(deps.db, row.merged_into);
  if (!row || row.merged_into) throw notLinked();
  const person = await personView(deps.db, ctx, row);
  await recordAudit(deps.db, ctx, { action: 'person.read', entityType: 'person', entityId: row.id, areaPath: row.area_path, details: { via: 'self' } });
  return person;
}
