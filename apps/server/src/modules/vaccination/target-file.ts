import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import { AppError, type CellValue } from '@sen/domain';

/**
 * Reads the rows of an uploaded target list, streaming: CSV through csv-parse, XLSX through ExcelJS's streaming
 * WorkbookReader (first worksheet only). Yields the header row first. Row numbers are those a spreadsheet shows
 * (header = 1), so the error report points at the line the uploader sees. Blank rows are skipped.
 */
export type TargetFileFormat = 'csv' | 'xlsx';

export interface FileRow {
  rowNumber: number;
  cells: CellValue[];
}

/** One cell longer than this is not a target list (and would make the parser buffer without end). */
const MAX_CELL_CHARS = 2000;

export function fileProblem(code: string, message: string, status = 422, details: Record<string, unknown> = {}): AppError {
  return new AppError(code, message, details, status);
}

function detectDelimiter(head: string): string {
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length - 1] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

async function* csvRows(content: Buffer): AsyncGenerator<FileRow> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw fileProblem('not_utf8', 'The CSV file is not UTF-8 text; save it as "CSV UTF-8" and upload again');
  }
  const parser = Readable.from([text]).pipe(
    parseCsv({ bom: true, delimiter: detectDelimiter(text.slice(0, 10_000).replace(/^\uFEFF/, '')), relax_column_count: true, skip_empty_lines: true, max_record_size: 64 * 1024, trim: true }),
  );
  let n = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      n += 1;
      if (record.every((c) => c === '')) continue;
      yield { rowNumber: n, cells: record.map((c) => (c.length > MAX_CELL_CHARS ? c.slice(0, MAX_CELL_CHARS) : c)) };
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const e = err as { code?: string; lines?: number };
    throw fileProblem('malformed_csv', `The CSV file cannot be read near line ${e.lines ?? n + 1} (${e.code ?? 'parse error'})`, 422, { line: e.lines ?? n + 1 });
  }
}

function xlsxCell(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return xlsxCell(value.result as ExcelJS.CellValue);
    if ('error' in value) return null;
  }
  return null;
}

async function* xlsxRows(content: Buffer): AsyncGenerator<FileRow> {
  // A zip starts with PK\x03\x04: anything else is not an XLSX file (an old .xls, a renamed CSV...).
  if (content.length < 4 || content.readUInt32LE(0) !== 0x04034b50) throw fileProblem('not_xlsx', 'The file is not an XLSX workbook (Excel 2007 or later); save it as .xlsx or CSV UTF-8');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([content]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = Array.isArray(row.values) ? row.values.slice(1) : [];
        const cells = Array.from(values, (v) => {
          const c = xlsxCell(v as ExcelJS.CellValue);
          return typeof c === 'string' && c.length > MAX_CELL_CHARS ? c.slice(0, MAX_CELL_CHARS) : c;
        });
        if (cells.every((c) => c === null || c === undefined || (typeof c === 'string' && c.trim() === ''))) continue;
        yield { rowNumber: row.number, cells };
      }
      return; // first worksheet only
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw fileProblem('malformed_xlsx', 'The XLSX workbook cannot be read; open it in a spreadsheet program, save it again and upload');
  }
}

export function readTargetFile(content: Buffer, format: TargetFileFormat): AsyncGenerator<FileRow> {
  return format === 'csv' ? csvRows(content) : xlsxRows(content);
}

/** The format from the declared type or the file name; null when neither says CSV or XLSX. */
export function formatOf(contentType: string | undefined, fileName: string): TargetFileFormat | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') return 'xlsx';
  const ext = fileName.toLowerCase().split('.').pop();
  if (ext === 'csv') return 'csv';
  if (ext === 'xlsx') return 'xlsx';
  return null;
}
