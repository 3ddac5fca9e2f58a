import { z } from 'zod';
import { sql, uuidv7 } from '@sen/db';
import {
  AppError, DUPLICATE_THRESHOLD, mapTargetHeaders, MIN_CANDIDATE_SIMILARITY, parseTargetRow, scoreDuplicate, searchForm, trigramSimilarity,
  type CellValue, type RowProblem, type TargetField, type TargetRow,
} from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import type { JobDefinition } from '../../jobs';
import { canAccessArea } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { grantsOf } from '../access/sessions';
import { findAreaByCode } from '../areas/repo';
import { createPerson } from '../people/create-person';
import { identifierHolder, identifiersOf } from '../people/repo';
import { groupCodeLookup } from './priority-groups';
import { readTargetFile, type FileRow, type TargetFileFormat } from './target-file';

/**
 * A row is linked to an existing person without a national ID match only from this duplicate score: above the
 * review threshold, since no one reviews the link. Between the two, a new person is created and the people
 * module queues the pair for review as a likely duplicate.
 */
export const AUTO_LINK_SCORE = Math.max(DUPLICATE_THRESHOLD, 0.85);

/** Progress is written every this many rows, so the uploader sees it move without a write per row. */
const PROGRESS_EVERY = 50;

interface ImportState {
  id: string;
  listId: string;
  listPath: string;
  format: TargetFileFormat;
  uploadedBy: string;
}

/**
 * The uploader's context, rebuilt from their roles as they are now (a role withdrawn since the upload stops the
 * import). Registering the listed people is part of importing a target list: the import may create people in the
 * list's area (people:write there) for a user who holds vaccination:write over that area.
 */
async function uploaderContext(deps: Deps, state: ImportState): Promise<RequestContext | null> {
  const user = await deps.db.selectFrom('users').select(['id', 'username', 'display_name', 'person_id', 'disabled_at']).where('id', '=', state.uploadedBy).executeTakeFirst();
  if (!user || user.disabled_at) return null;
  const roles = await deps.db.selectFrom('user_roles').select(['role_code', 'area_code', sql<string>`area_path::text`.as('area_path')]).where('user_id', '=', user.id).execute();
  const grants = grantsOf(roles.map((r) => ({ code: r.role_code, areaPath: r.area_path })));
  const ctx: RequestContext = {
    actor: { userId: user.id, username: user.username, displayName: user.display_name, personId: user.person_id, sessionId: `import:${state.id}`, roles: roles.map((r) => ({ code: r.role_code, areaCode: r.area_code, areaPath: r.area_path })), grants },
    ip: null,
    requestId: `import:${state.id}`,
  };
  if (!canAccessArea(ctx, 'vaccination:write', state.listPath)) return null;
  grants.set('people:write', [state.listPath]);
  return ctx;
}

type Resolution = { ok: true; personId: string; created: boolean } | { ok: false; problems: RowProblem[] };

const problemAt = (column: TargetField, problem: string, message: string): { ok: false; problems: RowProblem[] } => ({ ok: false, problems: [{ column, problem, message }] });

async function survivorOf(deps: Deps, personId: string): Promise<string> {
  let id = personId;
  for (let hops = 0; hops < 10; hops++) {
    const row = await deps.db.selectFrom('people').select('merged_into').where('id', '=', id).executeTakeFirst();
    if (!row?.merged_into) return id;
    id = row.merged_into;
  }
  return id;
}

/** Finds the person a row describes (national ID exact, else name + birth date + commune scored as duplicates), or creates them. */
async function resolvePerson(deps: Deps, ctx: RequestContext, row: TargetRow, communePath: string): Promise<Resolution> {
  if (row.nationalId) {
    const holder = await identifierHolder(deps.db, row.nationalId.kind, row.nationalId.value);
    if (holder) {
      const personId = await survivorOf(deps, holder.personId);
      const person = await deps.db.selectFrom('people').select('search_name').where('id', '=', personId).executeTakeFirstOrThrow();
      // A known number on a clearly different name is a typing error in the file, not this person.
      if (trigramSimilarity(person.search_name, searchForm(row.fullName)) < 0.5) {
        return problemAt('nationalId', 'identifier_name_mismatch', 'Số định danh đã thuộc về người có họ tên khác / this ID number belongs to a person with another name');
      }
      return { ok: true, personId, created: false };
    }
  }
  const name = searchForm(row.fullName);
  const candidates = await sql<{ id: string; full_name: string; birth_date: string | null; sex: string; commune_code: string | null }>`
    SELECT id, full_name, birth_date, sex, commune_code FROM people
     WHERE merged_into IS NULL AND area_path = ${communePath}::ltree AND birth_year = ${Number(row.birthDate.slice(0, 4))}
       AND (search_name = ${name} OR similarity(search_name, ${name}) >= ${MIN_CANDIDATE_SIMILARITY})
     LIMIT 20`.execute(deps.db);
  if (candidates.rows.length > 0) {
    const ids = await identifiersOf(deps.db, candidates.rows.map((c) => c.id));
    const me = { fullName: row.fullName, birthDate: row.birthDate, sex: row.sex, communeCode: row.communeCode, nationalIds: row.nationalId ? [row.nationalId] : [] };
    const scored = candidates.rows
      .map((c) => ({ id: c.id, score: scoreDuplicate(me, { fullName: c.full_name, birthDate: c.birth_date, sex: c.sex, communeCode: c.commune_code, nationalIds: ids.get(c.id) ?? [] }).score }))
      .filter((s) => s.score >= AUTO_LINK_SCORE)
      .sort((a, b) => b.score - a.score);
    if (scored.length > 1 && scored[0]!.score === scored[1]!.score) {
      return problemAt('fullName', 'ambiguous_match', 'Có nhiều người trùng họ tên, ngày sinh và xã; thêm số CCCD / several people match the name, birth date and commune: add the ID number');
    }
    if (scored[0]) return { ok: true, personId: scored[0].id, created: false };
  }
  try {
    const person = await createPerson(deps, ctx, {
      fullName: row.fullName, birthDate: row.birthDate, sex: row.sex, phone: row.phone, communeCode: row.communeCode,
      identifiers: row.nationalId ? [row.nationalId] : [],
    });
    return { ok: true, personId: person.id, created: true };
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    const field = String(err.details.field ?? '');
    const column: TargetField = field.startsWith('identifiers') ? 'nationalId' : field === 'communeCode' ? 'communeCode' : field === 'birthDate' ? 'birthDate' : field === 'phone' ? 'phone' : 'fullName';
    return problemAt(column, err.code, err.message);
  }
}

async function storeProblems(deps: Deps, importId: string, rowNumber: number, problems: RowProblem[]): Promise<void> {
  await deps.db
    .insertInto('target_import_errors')
    .values(problems.map((p) => ({ import_id: importId, row_number: rowNumber, column_name: p.column, problem: p.problem, message: p.message.slice(0, 500) })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Processes an uploaded file: each row checked, matched or created in the people registry, and put on the list;
 * each broken row reported with its number, column and problem. Safe to run again (a retried job): it starts over,
 * and rows already stored match the people they created.
 */
export async function processTargetImport(deps: Deps, importId: string, today: Date = new Date()): Promise<{ status: string }> {
  const imp = await deps.db.selectFrom('target_imports').select(['id', 'list_id', sql<string>`area_path::text`.as('area_path'), 'format', 'uploaded_by', 'status']).where('id', '=', importId).executeTakeFirst();
  if (!imp) return { status: 'missing' };
  if (imp.status === 'done' || imp.status === 'failed') return { status: imp.status };
  const state: ImportState = { id: imp.id, listId: imp.list_id, listPath: imp.area_path, format: imp.format as TargetFileFormat, uploadedBy: imp.uploaded_by };
  const file = await deps.db.selectFrom('target_import_files').select('content').where('import_id', '=', importId).executeTakeFirst();
  const fail = async (failure: string) => {
    await deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('target_imports').set({ status: 'failed', failure, finished_at: sql`now()` }).where('id', '=', importId).execute();
      await trx.deleteFrom('target_import_files').where('import_id', '=', importId).execute();
    });
    return { status: 'failed' };
  };
  if (!file) return fail('The uploaded file is no longer available');
  const ctx = await uploaderContext(deps, state);
  if (!ctx) return fail('The uploader no longer holds vaccination:write over the list area');

  await deps.db.deleteFrom('target_import_errors').where('import_id', '=', importId).execute();
  await deps.db.updateTable('target_imports').set({ status: 'running', started_at: sql`now()`, rows_ok: 0, rows_failed: 0, people_created: 0, people_linked: 0 }).where('id', '=', importId).execute();

  const groups = await groupCodeLookup(deps.db);
  const communePaths = new Map<string, { path: string | null; problem: string | null }>();
  const counts = { ok: 0, failed: 0, created: 0, linked: 0 };
  const saveProgress = () =>
    deps.db.updateTable('target_imports').set({ rows_ok: counts.ok, rows_failed: counts.failed, people_created: counts.created, people_linked: counts.linked }).where('id', '=', importId).execute();

  let columns: Partial<Record<TargetField, number>> | null = null;
  let seen = 0;
  const rows = readTargetFile(file.content, state.format);
  for (;;) {
    let next: IteratorResult<FileRow>;
    try {
      next = await rows.next();
    } catch (err) {
      // The upload check read the whole file, so this is rare (a parser limit); rows stored so far stay stored.
      if (!(err instanceof AppError)) throw err;
      await saveProgress();
      return fail(err.message);
    }
    if (next.done) break;
    const fileRow = next.value;
    if (!columns) {
      columns = mapTargetHeaders(fileRow.cells.map((c) => (c === null || c === undefined ? '' : String(c)))).columns;
      continue;
    }
    seen += 1;
    const cells: Partial<Record<TargetField, CellValue>> = {};
    for (const [field, index] of Object.entries(columns) as [TargetField, number][]) cells[field] = fileRow.cells[index];
    const parsed = parseTargetRow(cells, groups, today);
    let result: Resolution;
    if (!parsed.ok) {
      result = { ok: false, problems: parsed.problems };
    } else {
      let commune = communePaths.get(parsed.row.communeCode);
      if (!commune) {
        const area = await findAreaByCode(deps.db, parsed.row.communeCode);
        commune = !area ? { path: null, problem: 'Không có xã với mã này / no commune has this code' }
          : area.kind !== 'commune' ? { path: null, problem: `Mã này là ${area.kind}, không phải xã / this code is a ${area.kind}, not a commune` }
          : !(area.path === state.listPath || area.path.startsWith(`${state.listPath}.`)) ? { path: null, problem: 'Xã nằm ngoài địa bàn của danh sách / the commune is outside the area of the list' }
          : { path: area.path, problem: null };
        communePaths.set(parsed.row.communeCode, commune);
      }
      result = commune.path ? await resolvePerson(deps, ctx, parsed.row, commune.path) : problemAt('communeCode', 'invalid_commune', commune.problem!);
      if (result.ok) {
        await deps.db
          .insertInto('target_list_entries')
          .values({ id: uuidv7(), list_id: state.listId, person_id: result.personId, priority_group: parsed.row.priorityGroup, area_path: commune.path!, import_id: importId, row_number: fileRow.rowNumber })
          .onConflict((oc) => oc.columns(['list_id', 'person_id']).doUpdateSet({
            priority_group: sql`coalesce(excluded.priority_group, target_list_entries.priority_group)`, area_path: sql`excluded.area_path`, import_id: sql`excluded.import_id`, row_number: sql`excluded.row_number`,
          }))
          .execute();
      }
    }
    if (result.ok) {
      counts.ok += 1;
      if (result.created) counts.created += 1;
      else counts.linked += 1;
    } else {
      counts.failed += 1;
      await storeProblems(deps, importId, fileRow.rowNumber, result.problems);
    }
    if (seen % PROGRESS_EVERY === 0) await saveProgress();
  }
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('target_imports').set({ status: 'done', rows_total: seen, rows_ok: counts.ok, rows_failed: counts.failed, people_created: counts.created, people_linked: counts.linked, finished_at: sql`now()` }).where('id', '=', importId).execute();
    // The file holds personal data and is no longer needed once every row is stored or reported.
    await trx.deleteFrom('target_import_files').where('import_id', '=', importId).execute();
    await recordAudit(trx, ctx, { action: 'target_import.process', entityType: 'target_import', entityId: importId, areaPath: state.listPath, details: { rows: seen, ok: counts.ok, failed: counts.failed, created: counts.created, linked: counts.linked } });
  });
  return { status: 'done' };
}

export const ImportPayload = z.strictObject({ importId: z.uuid() });

export function importTargetsJob(deps: Deps): JobDefinition<typeof ImportPayload> {
  return { name: 'vaccination.import-targets', payload: ImportPayload, handler: (payload) => processTargetImport(deps, payload.importId) };
}
