import type { FastifyReply } from 'fastify';

/**
 * CSV as every download of ours writes it (RFC 4180): CRLF line ends, a UTF-8 byte order mark first so spreadsheet
 * programs show Vietnamese correctly, and no cell a spreadsheet would run as a formula.
 */
export type CsvValue = string | number | null;

export const CSV_BOM = '\uFEFF';

/**
 * One cell: quoted when it holds a comma, semicolon, quote or line break (or always, with `quote: 'always'`); a text
 * starting with = + - @ or a tab would run as a formula, so it gets a leading apostrophe.
 */
export function csvCell(value: CsvValue, quote: 'needed' | 'always' = 'needed'): string {
  if (value === null) return quote === 'always' ? '""' : '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return quote === 'always' || /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line of cells, CRLF included. */
export function csvRow(values: readonly CsvValue[], quote: 'needed' | 'always' = 'needed'): string {
  return `${values.map((v) => csvCell(v, quote)).join(',')}\r\n`;
}

/** Marks a reply as a CSV file to download under `fileName`. */
export function csvDownload(reply: FastifyReply, fileName: string): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${fileName}"`);
}
