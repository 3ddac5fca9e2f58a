import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSV_BOM, csvDownload, csvRow, type CsvValue } from '../../lib/csv';
import type { AreaRef, ReportScope } from './filters';

export interface Column {
  key: string;
  vi: string;
  en: string;
}
export type Cell = CsvValue;

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

/** The start of a report as CSV (lib/csv.ts): the byte order mark and a header row naming each column in Vietnamese with the English in brackets. */
export function csvHead(columns: Column[]): string {
  return CSV_BOM + csvRow(columns.map((c) => `${c.vi} (${c.en})`));
}

/** One data row of a report as CSV, CRLF included. */
export function csvLine(columns: Column[], row: Record<string, Cell>): string {
  return csvRow(columns.map((c) => row[c.key] ?? null));
}

export function toCsv(t: ReportTable): string {
  return csvHead(t.columns) + t.rows.map((row) => csvLine(t.columns, row)).join('');
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
