import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../testing/test-app';

export const CSV_TYPE = 'text/csv';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const VI_HEADERS = ['Họ và tên', 'Ngày sinh', 'Giới tính', 'Số CCCD/CMND', 'Số điện thoại', 'Mã xã', 'Nhóm ưu tiên'];

export function csvOf(rows: readonly (readonly string[])[]): Buffer {
  const cell = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return Buffer.from(rows.map((r) => r.map(cell).join(',')).join('\r\n'), 'utf8');
}

export async function xlsxOf(rows: readonly (readonly (string | number | Date | null)[])[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Danh sách');
  for (const r of rows) ws.addRow([...r]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function upload(t: TestApp, cookie: string | null, listId: string, body: Buffer, type = CSV_TYPE, fileName = 'danh-sach.csv'): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST', url: `/api/vaccination/target-lists/${listId}/imports?fileName=${encodeURIComponent(fileName)}`,
    headers: { 'content-type': type, ...(cookie ? { cookie } : {}) }, payload: body,
  });
}

/** Parses our error CSV (quoted cells, BOM) into rows of cells. */
export function parseErrorsCsv(text: string): string[][] {
  return text.replace(/^\uFEFF/, '').trim().split('\r\n').map((line) => [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"')));
}
