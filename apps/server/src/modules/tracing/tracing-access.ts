import { sql, type Database, type Transaction, type DB } from '@sen/db';
import { forbidden, notFound } from '@sen/domain';
import type { RequestContext } from '../../context';
import { canAccessArea, requireActor, scopePaths } from '../access/authorize';

/**
 * Tracing's one access rule: a tracer (tracing:run) acts on index people of their jurisdiction, and on the runs and
 * contacts of those people (area_path = the index person's commune). Outside it, reads answer 404 (as if absent)
 * and writes 403, like every module.
 */
export type Mode = 'read' | 'write';

function refuse(mode: Mode, what: string): never {
  if (mode === 'read') throw notFound(what);
  throw forbidden('This person is outside your tracing jurisdiction', { scope: 'tracing:run' });
}

export interface IndexPerson {
  id: string;
  full_name: string;
  area_path: string | null;
}

export async function loadIndexPerson(db: Database | Transaction<DB>, ctx: RequestContext, personId: string, mode: Mode): Promise<IndexPerson> {
  requireActor(ctx);
  scopePaths(ctx, 'tracing:run');
  const person = await db.selectFrom('people').select(['id', 'full_name', 'area_path', 'merged_into']).where('id', '=', personId).executeTakeFirst();
  if (!person) throw notFound('Person');
  if (!canAccessArea(ctx, 'tracing:run', person.area_path)) refuse(mode, 'Person');
  return { id: person.id, full_name: person.full_name, area_path: person.area_path };
}

export type RunRow = Awaited<ReturnType<typeof findRun>> & object;

async function findRun(db: Database | Transaction<DB>, id: string, forUpdate: boolean) {
  let q = db.selectFrom('trace_runs').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function loadRunFor(db: Database | Transaction<DB>, ctx: RequestContext, id: string, mode: Mode, options: { forUpdate?: boolean } = {}) {
  requireActor(ctx);
  scopePaths(ctx, 'tracing:run');
  const run = await findRun(db, id, options.forUpdate ?? false);
  if (!run) throw notFound('Trace run');
  if (!canAccessArea(ctx, 'tracing:run', run.area_path)) refuse(mode, 'Trace run');
  return run;
}

/** Full names of people by id (absent ids are simply missing: check-ins may name people not in the registry). */
export async function namesOf(db: Database | Transaction<DB>, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: string; full_name: string }>`SELECT id, full_name FROM people WHERE id = ANY(${[...new Set(ids)]}::uuid[])`.execute(db);
  return new Map(rows.rows.map((r) => [r.id, r.full_name]));
}
