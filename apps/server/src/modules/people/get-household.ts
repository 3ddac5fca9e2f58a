import { notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { householdMembers } from './person-view';
import { areaLabels, findHouseholdRow, type PersonSummary } from './repo';

export interface Household {
  id: string;
  address: string | null;
  communeCode: string | null;
  areaLabel: string | null;
  members: PersonSummary[];
}

/** A household with its members; outside the actor's people:read jurisdiction it does not exist (404). Audited. */
export async function getHousehold(deps: Deps, ctx: RequestContext, id: string): Promise<Household> {
  scopePaths(ctx, 'people:read');
  const row = await findHouseholdRow(deps.db, id);
  if (!row || !canAccessArea(ctx, 'people:read', row.area_path)) throw notFound('Household');
  const [members, labels] = await Promise.all([householdMembers(deps.db, ctx, id, null), areaLabels(deps.db, [row.commune_code])]);
  await recordAudit(deps.db, ctx, { action: 'household.read', entityType: 'household', entityId: id, areaPath: row.area_path, details: { members: members.length } });
  return { id, address: row.address, communeCode: row.commune_code, areaLabel: row.commune_code ? (labels.get(row.commune_code) ?? null) : null, members };
}
