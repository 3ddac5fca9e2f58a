import { displayPartialDateVi, formatPartialDate, parsePartialDate } from '@sen/domain';

const numberFormat = new Intl.NumberFormat('vi-VN');
const pad = (n: number) => String(n).padStart(2, '0');

/** Numbers always use vi-VN grouping ("1.234.567"), whatever the interface language. */
export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : numberFormat.format(n);
}

/** dd/MM/yyyy in local time. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** A calendar day given as ISO YYYY-MM-DD (a Viet Nam day from the server) as dd/MM/yyyy, with no time zone shift. */
export function formatDay(iso: string | null | undefined): string {
  return iso ? formatDate(`${iso.slice(0, 10)}T00:00:00`) : '—';
}

/** dd/MM/yyyy HH:mm:ss in local time. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${formatDate(iso)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A partial birth date ("1954", "1954-03", "1954-03-21") shown as "1954", "03/1954", "21/03/1954". */
export function formatBirthDate(text: string | null | undefined): string {
  return text ? displayPartialDateVi(text) : '—';
}

/**
 * Reads a date of birth as typed: "1954", "3/1954", "03/1954", "21/3/1954", "21/03/1954" (also with "." or "-"),
 * or already ISO ("1954-03-21"). Returns the ISO partial form, or null when it is not a real past date.
 */
export function parseBirthDateInput(raw: string): string | null {
  const text = raw.trim();
  if (!text) return null;
  let iso: string | null = null;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(text))) iso = m[1] ?? null;
  else if ((m = /^(\d{1,2})[/.-](\d{4})$/.exec(text))) iso = `${m[2]}-${pad(Number(m[1]))}`;
  else if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text))) iso = `${m[3]}-${pad(Number(m[2]))}-${pad(Number(m[1]))}`;
  else if (/^\d{4}-\d{2}(-\d{2})?$/.test(text)) iso = text;
  if (!iso) return null;
  const parsed = parsePartialDate(iso);
  return parsed ? formatPartialDate(parsed) : null;
}

/** The typed form of an ISO partial date, for an edit form ("1954-03" -> "03/1954"). */
export function birthDateToInput(iso: string | null | undefined): string {
  return iso ? displayPartialDateVi(iso) : '';
}

/** Reads dd/MM/yyyy (or ISO yyyy-MM-dd) into a local Date at midnight, or null. */
export function parseDayInput(raw: string): Date | null {
  const text = raw.trim();
  let y: number, mo: number, d: number;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text))) [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text))) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return null;
  const date = new Date(y, mo - 1, d);
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return date;
}

export function birthYearOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const y = Number(iso.slice(0, 4));
  return Number.isFinite(y) && y > 0 ? y : null;
}
