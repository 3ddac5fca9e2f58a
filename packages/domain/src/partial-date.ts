/**
 * A date of birth that may be known only to the year or the month ("1954", "1954-03", "1954-03-21"),
 * as on many paper records. Stored as text in ISO order so it sorts and compares by prefix.
 */
export interface PartialDate {
  year: number;
  month: number | null;
  day: number | null;
}

const VIETNAM_UTC_OFFSET_MS = 7 * 3_600_000;
const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function parsePartialDate(text: string, today: Date = new Date()): PartialDate | null {
  const m = PARTIAL_DATE.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = m[2] === undefined ? null : Number(m[2]);
  const day = m[3] === undefined ? null : Number(m[3]);
  if (year < 1880) return null;
  if (month !== null && (month < 1 || month > 12)) return null;
  if (day !== null && month !== null) {
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day < 1 || day > lastDay) return null;
  }
  // "Not in the future" is judged by the calendar in Viet Nam (UTC+7), so a birth registered just after local
  // midnight is not refused while it is still yesterday in UTC.
  const earliestPossible = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
  if (earliestPossible > today.getTime() + VIETNAM_UTC_OFFSET_MS) return null;
  return { year, month, day };
}

export function formatPartialDate(d: PartialDate): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d.month === null) return String(d.year);
  if (d.day === null) return `${d.year}-${pad(d.month)}`;
  return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}

/** vi-VN display: "21/03/1954", "03/1954", "1954". */
export function displayPartialDateVi(text: string): string {
  const d = parsePartialDate(text, new Date(8.64e15));
  if (!d) return text;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d.month === null) return String(d.year);
  if (d.day === null) return `${pad(d.month)}/${d.year}`;
  return `${pad(d.day)}/${pad(d.month)}/${d.year}`;
}

/** Age in whole years on a date; a partial date counts from its earliest possible day. */
export function ageOn(d: PartialDate, on: Date): number {
  const month = d.month ?? 1;
  const day = d.day ?? 1;
  let age = on.getUTCFullYear() - d.year;
  if (on.getUTCMonth() + 1 < month || (on.getUTCMonth() + 1 === month && on.getUTCDate() < day)) age -= 1;
  return age;
}
