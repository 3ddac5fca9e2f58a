/**
 * Calendar days as Viet Nam counts them (UTC+7), so a dose given at 06:00 local time is not filed under the
 * previous day. Intervals between doses and "days since" are whole calendar days, never hours / 24.
 */
const VIETNAM_UTC_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of the calendar date in Viet Nam at that instant. */
export function vnDayNumber(at: Date): number {
  return Math.floor((at.getTime() + VIETNAM_UTC_OFFSET_MS) / DAY_MS);
}

/** The calendar day as a date-only value (00:00 UTC), the same convention as `new Date('2021-06-01')`. */
export function dayToDate(day: number): Date {
  return new Date(day * DAY_MS);
}

/** The calendar day in Viet Nam at that instant as ISO text: 2021-06-01T17:00:00Z is "2021-06-02". */
export function vnDayOf(at: Date): string {
  return dayToDate(vnDayNumber(at)).toISOString().slice(0, 10);
}

/** Today in Viet Nam as ISO text; pass the request's clock where there is one. */
export function vnToday(now: Date = new Date()): string {
  return vnDayOf(now);
}

/** The instant a Viet Nam calendar day ("YYYY-MM-DD") begins: 00:00 at UTC+7 (no daylight saving). */
export function vnDayStart(day: string): Date {
  return new Date(`${day}T00:00:00+07:00`);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Date, to: Date): number {
  return vnDayNumber(to) - vnDayNumber(from);
}

export function addDays(at: Date, days: number): Date {
  return dayToDate(vnDayNumber(at) + days);
}

/** Same day of the month `months` later, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb). */
export function addMonths(at: Date, months: number): Date {
  const d = dayToDate(vnDayNumber(at));
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay)));
}

/** An ISO date ("2021-03-08") as a date-only value; validity is checked by the tests of the data that uses it. */
export function isoDay(text: string): Date {
  return new Date(`${text}T00:00:00Z`);
}

/** Whether text is a day that exists, written YYYY-MM-DD ("2021-02-29" and "2021-2-1" are not). */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = isoDay(text);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** An ISO day moved by whole days: shiftDay("2021-02-27", 2) is "2021-03-01" (a calendar day has no time zone). */
export function shiftDay(day: string, days: number): string {
  return new Date(isoDay(day).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}
