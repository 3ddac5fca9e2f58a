import { sql, uuidv7, type Database, type Transaction, type DB } from '@sen/db';
import { forbidden, notFound, type Scope } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, jurisdictionSql, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { findAreaByCode } from '../areas/repo';
import { cleanNote } from './ledger';
import { fieldError } from './sites-repo';
import { assertVaccinationAccess } from './vaccination-access';

type Db = Database | Transaction<DB>;

export interface TargetListRow {
  id: string;
  name: string;
  area_code: string;
  area_path: string;
  created_at: Date;
}

export async function findTargetList(db: Db, id: string): Promise<TargetListRow | undefined> {
  return db.selectFrom('target_lists').select(['id', 'name', 'area_code', sql<string>`area_path::text`.as('area_path'), 'created_at']).where('id', '=', id).executeTakeFirst();
}

/** The module's rule: a list outside vaccination:read jurisdiction does not exist (404); readable but not writable, 403. */
export async function loadTargetListFor(db: Db, ctx: RequestContext, id: string, scope: Scope): Promise<TargetListRow> {
  scopePaths(ctx, scope);
  const row = await findTargetList(db, id);
  if (!row) throw notFound('Target list');
  assertVaccinationAccess(ctx, scope, row.area_path, 'Target list');
  return row;
}

const view = (r: TargetListRow & { entries?: number }) => ({ id: r.id, name: r.name, areaCode: r.area_code, createdAt: r.created_at.toISOString(), entries: r.entries ?? 0 });

export async function createTargetList(deps: Deps, ctx: RequestContext, input: { name: string; areaCode: string }) {
  scopePaths(ctx, 'vaccination:write');
  const name = cleanNote(input.name, 'name', 200);
  if (!name) throw fieldError('invalid_text', 'name', 'The name is empty');
  const area = await findAreaByCode(deps.db, input.areaCode);
  if (!area) throw fieldError('unknown_area', 'areaCode', 'No area has this code');
  if (!canAccessArea(ctx, 'vaccination:write', area.path)) throw forbidden('This area is outside your jurisdiction', { scope: 'vaccination:write', field: 'areaCode' });
  const id = uuidv7();
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('target_lists').values({ id, name, area_code: area.code, area_path: area.path, created_by: ctx.actor?.userId ?? null }).execute();
    await recordAudit(trx, ctx, { action: 'target_list.create', entityType: 'target_list', entityId: id, areaPath: area.path, details: { areaCode: area.code } });
  });
  return view((await findTargetList(deps.db, id))!);
}

export async function listTargetLists(deps: Deps, ctx: RequestContext, input: { limit: number; offset: number }) {
  const rows = await deps.db
    .selectFrom('target_lists as l')
    .select(['l.id', 'l.name', 'l.area_code', sql<string>`l.area_path::text`.as('area_path'), 'l.created_at', sql<number>`(SELECT count(*) FROM target_list_entries e WHERE e.list_id = l.id)`.as('entries')])
    .where(jurisdictionSql(ctx, 'vaccination:read', 'l.area_path'))
    .orderBy('l.created_at', 'desc')
    .orderBy('l.id')
    .limit(input.limit + 1)
    .offset(input.offset)
    .execute();
  return { items: rows.slice(0, input.limit).map(view), hasMore: rows.length > input.limit };
}

/** The people on a list (names: audited as a read of personal data). */
export async function listTargetEntries(deps: Deps, ctx: RequestContext, listId: string, input: { limit: number; offset: number }) {
  const list = await loadTargetListFor(deps.db, ctx, listId, 'vaccination:read');
  const rows = await deps.db
    .selectFrom('target_list_entries as e')
    .innerJoin('people as p', 'p.id', 'e.person_id')
    .select(['e.id', 'e.person_id', 'p.full_name', 'p.birth_date', 'p.commune_code', 'e.priority_group', 'e.row_number', 'e.import_id'])
    .where('e.list_id', '=', list.id)
    .where(jurisdictionSql(ctx, 'vaccination:read', 'e.area_path'))
    .orderBy('e.created_at')
    .orderBy('e.id')
    .limit(input.limit + 1)
    .offset(input.offset)
    .execute();
  await recordAudit(deps.db, ctx, { action: 'target_list.read', entityType: 'target_list', entityId: list.id, areaPath: list.area_path, details: { count: Math.min(rows.length, input.limit) } });
  return {
    items: rows.slice(0, input.limit).map((r) => ({ id: r.id, personId: r.person_id, fullName: r.full_name, birthDate: r.birth_date, communeCode: r.commune_code, priorityGroup: r.priority_group, rowNumber: r.row_number, importId: r.import_id })),
    hasMore: rows.length > input.limit,
  };
}
