import { uuidv7 } from '@sen/db';
import { mapTargetHeaders, notFound, TARGET_COLUMNS } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { NO_JOBS } from '../../jobs';
import { CSV_BOM, csvRow } from '../../lib/csv';
import { requireActor } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { fileProblem, readTargetFile, type TargetFileFormat } from './target-file';
import { loadTargetListFor } from './target-lists';
import { processTargetImport } from './process-target-import';

export const IMPORT_JOB = 'vaccination.import-targets';

export interface UploadInput {
  fileName: string;
  format: TargetFileFormat;
  content: Buffer;
}

/**
 * Checks the file enough to refuse it at once (format, headers, row count: 422 naming the problem), stores it and
 * queues its processing. Rows are checked one by one by the job; the uploader follows progress and downloads the
 * rows that failed. The size limit (413) is enforced by the route before the body is read.
 */
export async function uploadTargetImport(deps: Deps, ctx: RequestContext, listId: string, input: UploadInput) {
  const actor = requireActor(ctx);
  const list = await loadTargetListFor(deps.db, ctx, listId, 'vaccination:write');
  const maxRows = deps.config.SEN_TARGET_IMPORT_MAX_ROWS;
  let rows = 0;
  let headerSeen = false;
  for await (const row of readTargetFile(input.content, input.format)) {
    if (!headerSeen) {
      headerSeen = true;
      const mapping = mapTargetHeaders(row.cells.map((c) => (c === null || c === undefined ? '' : String(c))));
      if (mapping.missing.length) {
        const names = mapping.missing.map((f) => `"${TARGET_COLUMNS[f].vi}" (${TARGET_COLUMNS[f].en})`);
        throw fileProblem('missing_columns', `The header row lacks the column(s) ${names.join(', ')}`, 422, { missing: mapping.missing, headerRow: row.rowNumber });
      }
      if (mapping.repeated.length) throw fileProblem('repeated_columns', `The header row has a column twice: ${mapping.repeated.join(', ')}`, 422, { repeated: mapping.repeated });
      continue;
    }
    rows += 1;
    if (rows > maxRows) throw fileProblem('too_many_rows', `The file has more than ${maxRows} rows; split it into several files`, 422, { maxRows });
  }
  if (!headerSeen) throw fileProblem('empty_file', 'The file is empty: the first row must be the column headers', 422);
  if (rows === 0) throw fileProblem('no_rows', 'The file has a header row but no data rows', 422);

  const id = uuidv7();
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('target_imports').values({
      id, list_id: list.id, area_path: list.area_path, file_name: input.fileName, format: input.format, size_bytes: input.content.length, rows_total: rows, uploaded_by: actor.userId,
    }).execute();
    await trx.insertInto('target_import_files').values({ import_id: id, content: input.content }).execute();
    await recordAudit(trx, ctx, { action: 'target_import.upload', entityType: 'target_import', entityId: id, areaPath: list.area_path, details: { listId: list.id, format: input.format, sizeBytes: input.content.length, rows } });
  });
  if (deps.jobs !== NO_JOBS) {
    await deps.jobs.send(IMPORT_JOB, { importId: id }, { singletonKey: `import:${id}` });
  } else {
    // No job queue in this process (tests, tools): the work is done in the request.
    await processTargetImport(deps, id);
  }
  return getTargetImport(deps, ctx, id);
}

interface ImportRow {
  id: string;
  list_id: string;
  file_name: string;
  format: string;
  size_bytes: number;
  status: string;
  rows_total: number;
  rows_ok: number;
  rows_failed: number;
  people_created: number;
  people_linked: number;
  failure: string | null;
  uploaded_by: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** An import is its uploader's: others (even with the same scope) do not see it, since its report holds personal data. */
async function loadOwnImport(deps: Deps, ctx: RequestContext, id: string): Promise<ImportRow> {
  const actor = requireActor(ctx);
  const row = await deps.db.selectFrom('target_imports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.uploaded_by !== actor.userId) throw notFound('Import');
  return row as ImportRow;
}

export async function getTargetImport(deps: Deps, ctx: RequestContext, id: string) {
  const r = await loadOwnImport(deps, ctx, id);
  const processed = r.rows_ok + r.rows_failed;
  return {
    id: r.id, listId: r.list_id, fileName: r.file_name, format: r.format, sizeBytes: r.size_bytes, status: r.status,
    rowsTotal: r.rows_total, rowsProcessed: processed, rowsOk: r.rows_ok, rowsFailed: r.rows_failed, peopleCreated: r.people_created, peopleLinked: r.people_linked,
    progress: r.rows_total > 0 ? Math.min(1, Math.round((processed / r.rows_total) * 1000) / 1000) : 0,
    failure: r.failure, createdAt: r.created_at.toISOString(), startedAt: r.started_at?.toISOString() ?? null, finishedAt: r.finished_at?.toISOString() ?? null,
    errorsUrl: `/api/vaccination/target-imports/${r.id}/errors.csv`,
  };
}

/** The rows that failed, as CSV (UTF-8 with BOM so spreadsheet programs show Vietnamese correctly). */
export async function targetImportErrorsCsv(deps: Deps, ctx: RequestContext, id: string): Promise<string> {
  const imp = await loadOwnImport(deps, ctx, id);
  const rows = await deps.db.selectFrom('target_import_errors').select(['row_number', 'column_name', 'problem', 'message']).where('import_id', '=', id).orderBy('row_number').orderBy('column_name').execute();
  // Every cell quoted, as this file has always been written.
  let csv = CSV_BOM + csvRow(['Dòng / Row', 'Cột / Column', 'Mã lỗi / Code', 'Mô tả / Problem'], 'always');
  for (const r of rows) {
    const column = r.column_name && r.column_name in TARGET_COLUMNS ? TARGET_COLUMNS[r.column_name as keyof typeof TARGET_COLUMNS].vi : r.column_name;
    csv += csvRow([r.row_number, column, r.problem, r.message], 'always');
  }
  await recordAudit(deps.db, ctx, { action: 'target_import.errors.read', entityType: 'target_import', entityId: imp.id, details: { rows: rows.length } });
  return csv;
}

export async function listMyTargetImports(deps: Deps, ctx: RequestContext, listId: string) {
  const actor = requireActor(ctx);
  await loadTargetListFor(deps.db, ctx, listId, 'vaccination:read');
  const rows = await deps.db.selectFrom('target_imports').select('id').where('list_id', '=', listId).where('uploaded_by', '=', actor.userId).orderBy('created_at', 'desc').limit(100).execute();
  return { items: await Promise.all(rows.map((r) => getTargetImport(deps, ctx, r.id))) };
}

