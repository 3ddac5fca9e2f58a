import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AreaRef, ReportScope } from './filters';

export interface Column {
  key: string;
  vi: string;
  en: string;
}
export type Cell = string | number | null;

/** Every report is a table: JSON for the dashboard, CSV for spreadsheets. */
export interface ReportTable {
  report: string;
  period: { from: string; to: string };
  areas: { code: string; name: string }[];
  vaccine: string | null;
  columns: Column[];
  rows: Record<string, Cell>[];
}

export function table(report: string, scope: ReportScope, columns: Column[], rows: Record<string, Cell>[]): ReportTable {
  return { report, period: { from: scope.from, to: scope.to }, areas: scope.roots.map((r: AreaRef) => ({ code: r.code, name: r.name })), vaccine: scope.vaccine, columns, rows };
}

export const col = (key: string, vi: string, en: string): Column => ({ key, vi, en });

function csvCell(v: Cell): string {
  if (v === null) return '';
  let s = String(v);
  // A cell starting with = + - @ would run as a formula in a spreadsheet: quote it as text.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The start of every CSV export (RFC 4180, CRLF): a UTF-8 byte order mark, so Excel opens Vietnamese text
 * correctly, and a header row naming each column in Vietnamese with the English in brackets.
 */
export function csvHead(columns: Column[]): string {
  return `\uFEFF${columns.map((c) => csvCell(`${c.vi} (${c.en})`)).join(',')}\r\n`;
}

/** One data row of a CSV export, CRLF included. */
export function csvLine(columns: Column[], row: Record<string, Cell>): string {
  return `${columns.map((c) => csvCell(row[c.key] ?? null)).join(',')}\r\n`;
}

export function toCsv(t: ReportTable): string {
  return csvHead(t.columns) + t.rows.map((row) => csvLine(t.columns, row)).join('');
}

/** Marks a reply as a CSV file to download under `fileName`. */
export function csvDownload(reply: FastifyReply, fileName: string): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${fileName}"`);
}

export function wantsCsv(request: FastifyRequest, format: string | undefined): boolean {
  if (format) return format === 'csv';
  const accept = request.headers.accept ?? '';
  return /\btext\/csv\b/i.test(accept) && !/application\/json/i.test(accept.split(',')[0] ?? '');
}

/** Sends a table as JSON or CSV (attachment named after the report and period). */
export function sendTable(request: FastifyRequest, reply: FastifyReply, t: ReportTable, format: string | undefined) {
  if (!wantsCsv(request, format)) return reply.send(t);
  return csvDownload(reply, `sen-${t.report}-${t.period.from}-${t.period.to}.csv`).send(toCsv(t));
}
