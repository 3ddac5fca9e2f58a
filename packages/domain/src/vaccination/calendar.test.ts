import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, isoDay, vnDayNumber } from './calendar';

describe('calendar days in Viet Nam', () => {
  it('files an instant under the Vietnamese calendar day (UTC+7)', () => {
    expect(vnDayNumber(new Date('2021-06-01T16:59:59Z'))).toBe(vnDayNumber(isoDay('2021-06-01')));
    expect(vnDayNumber(new Date('2021-06-01T17:00:00Z'))).toBe(vnDayNumber(isoDay('2021-06-02')));
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
