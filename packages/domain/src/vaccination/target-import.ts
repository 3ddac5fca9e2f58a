import { checkNationalId, normalisePhone, type NationalIdKind, type Sex } from '../national-id';
import { formatPartialDate, parsePartialDate } from '../partial-date';
import { cleanPersonName, searchForm } from '../text';

/**
 * Rows of a target list file (CSV or XLSX): which columns are accepted, and how one row is checked. Pure, so the
 * import job, the docs and the tests agree on one definition. Headers are matched without diacritics or case,
 * so "Họ và tên", "HO VA TEN" and "Full name" are the same column.
 */
export const TARGET_COLUMNS = {
  fullName: { vi: 'Họ và tên', en: 'Full name', aliases: ['ho ten', 'ten', 'name'], required: true },
  birthDate: { vi: 'Ngày sinh', en: 'Birth date', aliases: ['date of birth', 'dob', 'nam sinh'], required: true },
  sex: { vi: 'Giới tính', en: 'Sex', aliases: ['gender', 'gioi'], required: false },
  nationalId: { vi: 'Số CCCD/CMND', en: 'National ID', aliases: ['cccd', 'cmnd', 'so cccd', 'so cmnd', 'cccd/cmnd', 'id number'], required: false },
  phone: { vi: 'Số điện thoại', en: 'Phone', aliases: ['dien thoai', 'sdt', 'phone number', 'mobile'], required: false },
  communeCode: { vi: 'Mã xã', en: 'Commune code', aliases: ['ma xa/phuong', 'ma phuong', 'commune'], required: true },
  priorityGroup: { vi: 'Nhóm ưu tiên', en: 'Priority group', aliases: ['nhom', 'group'], required: false },
} as const;

export type TargetField = keyof typeof TARGET_COLUMNS;
export const TARGET_FIELDS = Object.keys(TARGET_COLUMNS) as TargetField[];

function headerKey(text: string): string {
  return searchForm(text).replace(/[_.:*]/g, ' ').replace(/\s+/g, ' ').trim();
}

const HEADER_LOOKUP: ReadonlyMap<string, TargetField> = new Map(
  TARGET_FIELDS.flatMap((f) => {
    const c = TARGET_COLUMNS[f];
    return [c.vi, c.en, f, ...c.aliases].map((h) => [headerKey(h), f] as const);
  }),
);

export interface HeaderMapping {
  /** Column index (0-based) of each recognised field. */
  columns: Partial<Record<TargetField, number>>;
  missing: TargetField[];
  /** Headers given twice for one field. */
  repeated: TargetField[];
  /** Headers not recognised (ignored; reported so a typo in a header is noticed). */
  unknown: string[];
}

export function mapTargetHeaders(headers: readonly string[]): HeaderMapping {
  const columns: Partial<Record<TargetField, number>> = {};
  const repeated: TargetField[] = [];
  const unknown: string[] = [];
  headers.forEach((h, i) => {
    const key = headerKey(h ?? '');
    if (key === '') return;
    const field = HEADER_LOOKUP.get(key);
    if (!field) unknown.push(h);
    else if (columns[field] !== undefined) repeated.push(field);
    else columns[field] = i;
  });
  const missing = TARGET_FIELDS.filter((f) => TARGET_COLUMNS[f].required && columns[f] === undefined);
  return { columns, missing, repeated, unknown };
}

export type CellValue = string | number | Date | null | undefined;

export interface TargetRow {
  fullName: string;
  birthDate: string;
  sex: Sex;
  nationalId: { kind: NationalIdKind; value: string } | null;
  phone: string | null;
  communeCode: string;
  /** A group code of the table; null when the column is empty. */
  priorityGroup: string | null;
}

export interface RowProblem {
  /** The field (English key) at fault; the CSV report also gives its Vietnamese header. */
  column: TargetField;
  problem: string;
  message: string;
}

export type RowResult = { ok: true; row: TargetRow } | { ok: false; problems: RowProblem[] };

function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  return String(value).trim();
}

/** dd/mm/yyyy (Vietnamese order), yyyy-mm-dd, mm/yyyy, yyyy, or a spreadsheet date cell. */
export function parseBirthDateCell(value: CellValue, today: Date): string | null {
  const text = cellText(value);
  let iso = text;
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const my = /^(\d{1,2})[/.-](\d{4})$/.exec(text);
  if (dmy) iso = `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
  else if (my) iso = `${my[2]}-${my[1]!.padStart(2, '0')}`;
  const parsed = parsePartialDate(iso, today);
  return parsed ? formatPartialDate(parsed) : null;
}

const SEX_WORDS: ReadonlyMap<string, Sex> = new Map([
  ['nam', 'male'], ['male', 'male'], ['m', 'male'], ['trai', 'male'],
  ['nu', 'female'], ['female', 'female'], ['f', 'female'], ['gai', 'female'],
  ['khac', 'other'], ['other', 'other'],
  ['', 'unknown'], ['khong ro', 'unknown'], ['unknown', 'unknown'],
]);

/**
 * Checks one data row. `groupCodes` maps what a file may write in the group column (the code "G08", the number
 * "8" or "08") to the group code. Every problem of the row is reported, not only the first.
 */
export function parseTargetRow(cells: Partial<Record<TargetField, CellValue>>, groupCodes: ReadonlyMap<string, string>, today: Date): RowResult {
  const problems: RowProblem[] = [];
  const bad = (column: TargetField, problem: string, message: string) => problems.push({ column, problem, message });

  const nameText = cellText(cells.fullName);
  const name = cleanPersonName(nameText);
  if (nameText === '') bad('fullName', 'required', 'Thiếu họ và tên / the full name is missing');
  else if (!name.ok) bad('fullName', 'invalid_name', `Họ và tên không hợp lệ / the name ${name.reason}`);

  const birthText = cellText(cells.birthDate);
  const birthDate = birthText === '' ? null : parseBirthDateCell(cells.birthDate, today);
  if (birthText === '') bad('birthDate', 'required', 'Thiếu ngày sinh / the birth date is missing');
  else if (!birthDate) bad('birthDate', 'invalid_date', 'Ngày sinh không hợp lệ (dd/mm/yyyy) / not a real past date (dd/mm/yyyy, yyyy-mm-dd or yyyy)');

  const sexText = searchForm(cellText(cells.sex));
  const sex = SEX_WORDS.get(sexText);
  if (sex === undefined) bad('sex', 'invalid_sex', 'Giới tính là Nam, Nữ hoặc Khác / sex is Nam, Nữ or Khác (male, female, other)');

  let nationalId: TargetRow['nationalId'] = null;
  const idText = cellText(cells.nationalId).replace(/[\s.-]/g, '');
  if (idText !== '') {
    const kind: NationalIdKind | null = /^\d{12}$/.test(idText) ? 'cccd' : /^\d{9}$/.test(idText) ? 'cmnd' : null;
    if (!kind) {
      bad('nationalId', 'invalid_identifier', 'Số CCCD có 12 chữ số, CMND 9 chữ số / a CCCD has 12 digits, a CMND 9');
    } else {
      const checked = checkNationalId(kind, idText, { birthYear: birthDate ? Number(birthDate.slice(0, 4)) : null, sex: sex ?? null });
      if (checked.ok) nationalId = { kind, value: checked.value };
      else bad('nationalId', 'invalid_identifier', `Số định danh không hợp lệ / ${checked.reason}`);
    }
  }

  const phoneText = cellText(cells.phone);
  const phone = phoneText === '' ? null : normalisePhone(phoneText);
  if (phoneText !== '' && !phone) bad('phone', 'invalid_phone', 'Số điện thoại di động 10 chữ số / a 10-digit Vietnamese mobile number');

  const commune = cellText(cells.communeCode);
  if (commune === '') bad('communeCode', 'required', 'Thiếu mã xã / the commune code is missing');
  else if (!/^\d{5}$/.test(commune)) bad('communeCode', 'invalid_commune', 'Mã xã có 5 chữ số / a commune code has 5 digits');

  const groupText = cellText(cells.priorityGroup).toUpperCase();
  const group = groupText === '' ? null : (groupCodes.get(groupText) ?? groupCodes.get(String(Number(groupText))) ?? undefined);
  if (group === undefined) bad('priorityGroup', 'unknown_group', 'Nhóm ưu tiên không có trong danh mục / not a priority group of the table');

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    row: { fullName: name.ok ? name.value : nameText, birthDate: birthDate!, sex: sex ?? 'unknown', nationalId, phone, communeCode: commune, priorityGroup: group ?? null },
  };
}
