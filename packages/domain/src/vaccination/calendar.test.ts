import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, isCalendarDay, isoDay, shiftDay, vnDayNumber, vnDayOf, vnDayStart, vnToday } from './calendar';

describe('calendar days in Viet Nam', () => {
  it('files an instant under the Vietnamese calendar day (UTC+7)', () => {
    expect(vnDayNumber(new Date('2021-06-01T16:59:59Z'))).toBe(vnDayNumber(isoDay('2021-06-01')));
    expect(vnDayNumber(new Date('2021-06-01T17:00:00Z'))).toBe(vnDayNumber(isoDay('2021-06-02')));
  });

  it('names the Viet Nam day of an instant as ISO text, and the instant a day starts', () => {
    expect(vnDayOf(new Date('2021-06-01T16:59:59.999Z'))).toBe('2021-06-01');
    expect(vnDayOf(new Date('2021-06-01T17:00:00Z'))).toBe('2021-06-02');
    expect(vnDayOf(new Date('2021-12-31T17:00:00Z'))).toBe('2022-01-01');
    expect(vnToday(new Date('2024-02-28T18:30:00Z'))).toBe('2024-02-29');
    expect(vnDayStart('2021-06-02').toISOString()).toBe('2021-06-01T17:00:00.000Z');
    expect(vnDayOf(vnDayStart('2021-06-02'))).toBe('2021-06-02');
    expect(vnDayOf(new Date(vnDayStart('2021-06-02').getTime() - 1))).toBe('2021-06-01');
    expect(Number.isNaN(vnDayStart('2021-02-30x').getTime())).toBe(true);
  });

  it('tells real calendar days written YYYY-MM-DD from the rest, and moves them by whole days', () => {
    for (const day of ['2021-06-01', '2024-02-29', '2000-02-29', '1999-12-31']) expect(isCalendarDay(day), day).toBe(true);
    for (const text of ['2021-02-29', '1900-02-29', '2021-13-01', '2021-04-31', '2021-6-1', '2021-06-01T00:00', ' 2021-06-01', '', 'yesterday']) expect(isCalendarDay(text), text).toBe(false);
    expect(shiftDay('2021-02-27', 2)).toBe('2021-03-01');
    expect(shiftDay('2024-02-28', 1)).toBe('2024-02-29');
    expect(shiftDay('2021-01-01', -1)).toBe('2020-12-31');
    expect(shiftDay('2021-06-01', 0)).toBe('2021-06-01');
    expect(shiftDay('2021-01-01', 3652)).toBe('2031-01-01'); // ten years with two leap days
  });

  it('counts whole calendar days, not elapsed hours', () => {
    expect(daysBetween(new Date('2021-06-01T16:00:00Z'), new Date('2021-06-01T18:00:00Z'))).toBe(1);
    expect(daysBetween(isoDay('2021-06-01'), isoDay('2021-07-01'))).toBe(30);
    expect(daysBetween(isoDay('2021-07-01'), isoDay('2021-06-01'))).toBe(-30);
  });

  it('adds days and months as date-only values', () => {
    expect(addDays(isoDay('2021-02-27'), 2)).toEqual(isoDay('2021-03-01'));
    expect(addMonths(isoDay('2021-01-10'), 6)).toEqual(isoDay('2021-07-10'));
    expect(addMonths(isoDay('2021-08-31'), 6)).toEqual(isoDay('2022-02-28'));
    expect(addMonths(isoDay('2023-08-31'), 6)).toEqual(isoDay('2024-02-29'));
    expect(addMonths(isoDay('2021-11-15'), 2)).toEqual(isoDay('2022-01-15'));
  });
});
