import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { ownPersonRow } from '../checkins/person-qr';
import { loadPersonFor } from '../people/people-access';
import { declarationView, selectDeclarations, type Declaration } from './declarations-repo';

/** A person's declarations, newest first (at most 100): staff with people:read where they live, or the citizen; audited. */
export async function listDeclarations(deps: Deps, ctx: RequestContext, personId: string | 'me'): Promise<{ items: Declaration[] }> {
  const person = personId === 'me' ? await ownPersonRow(deps.db, ctx) : await loadPersonFor(deps.db, ctx, personId, 'people:read');
  const rows = await selectDeclarations(deps.db).where('d.person_id', '=', person.id).orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(100).execute();
  await recordAudit(deps.db, ctx, { action: 'declaration.read', entityType: 'person', entityId: person.id, areaPath: person.area_path, details: { count: rows.length, via: personId === 'me' ? 'self' : 'staff' } });
  return { items: rows.map(declarationView) };
}
