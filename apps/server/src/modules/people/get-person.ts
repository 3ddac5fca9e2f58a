import { forbidden, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, hasScope, requireActor } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { personView } from './person-view';
import { findPersonRow, type Person } from './repo';

/**
 * One person's record. Staff read inside their people:read jurisdiction (outside it the record "does not exist": 404);
 * a citizen reads only their own linked record (anything else is a plain 403, the same whether or not it exists).
 * A merged record still answers, with mergedInto, so old links keep working. Every read is audited.
 */
export async function getPerson(deps: Deps, ctx: RequestContext, id: string): Promise<Person> {
  const actor = requireActor(ctx);
  const staff = hasScope(ctx, 'people:read');
  const row = await findPersonRow(deps.db, id);
  const own = row !== undefined && actor.personId !== null && (row.id === actor.personId || row.merged_into === actor.personId);
  let via: 'staff' | 'self';
  if (row && staff && canAccessArea(ctx, 'people:read', row.area_path)) via = 'staff';
  else if (own && hasScope(ctx, 'self:read')) via = 'self';
  else if (!staff) throw forbidden('This needs the permission people:read', { scope: 'people:read' });
  else throw notFound('Person');
  const person = await personView(deps.db, ctx, row!);
  await recordAudit(deps.db, ctx, { action: 'person.read', entityType: 'person', entityId: id, areaPath: row!.area_path, details: { via } });
  return person;
}
