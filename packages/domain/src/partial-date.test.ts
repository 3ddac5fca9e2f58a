import { describe, expect, it } from 'vitest';
import { ageOn, displayPartialDateVi, formatPartialDate, parsePartialDate } from './partial-date';

const TODAY = new Date('2025-06-15T10:00:00Z');

describe('parsePartialDate', () => {
  it.each([
    ['1954', { year: 1954, month: null, day: null }],
    ['1954-03', { year: 1954, month: 3, day: null }],
    ['1954-03-21', { year: 1954, month: 3, day: 21 }],
    [' 1990-12-31 ', { year: 1990, month: 12, day: 31 }],
    ['2000-02-29', { year: 2000, month: 2, day: 29 }],
    ['2024-02-29', { year: 2024, month: 2, day: 29 }],
    ['1880', { year: 1880, month: null, day: null }],
  ])('accepts %j', (text, expected) => {
    expect(parsePartialDate(text, TODAY)).toEqual(expected);
  });

  it.each([
    '1900-02-29', // 1900 was not a leap year
    '2023-02-29',
    '1990-02-30',
    '1990-04-31',
    '1990-13',
    '1990-00',
    '1990-01-00',
    '1990-1-5',
    '90-01-05',
    '1879',
    '0000',
    'yesterday',
    '07/03/1990',
    '1990-03-07T00:00:00Z',
    '',
    '2025-06-16', // tomorrow
    '2025-07',
    '2026',
    '2999-01-01',
  ])('refuses %j', (text) => {
    expect(parsePartialDate(text, TODAY)).toBeNull();
  });

  it('accepts today and this month and year', () => {
    expect(parsePartialDate('2025-06-15', TODAY)).not.toBeNull();
    expect(parsePartialDate('2025-06', TODAY)).not.toBeNull();
    expect(parsePartialDate('2025', TODAY)).not.toBeNull();
  });

  it('judges "the future" by the calendar in Viet Nam (UTC+7)', () => {
    // 18:00 UTC on 31 December is already 1 January in Viet Nam.
    const evening = new Date('2025-12-31T18:00:00Z');
    expect(parsePartialDate('2026-01-01', evening)).not.toBeNull();
    expect(parsePartialDate('2026-01-02', evening)).toBeNull();
  });
});

describe('formatting and age', () => {
  it('round-trips every precision', () => {
    for (const text of ['1954', '1954-03', '1954-03-01']) expect(formatPartialDate(parsePartialDate(text, TODAY)!)).toBe(text);
  });
  it('displays in Vietnamese order', () => {
    expect(displayPartialDateVi('1954-03-21')).toBe('21/03/1954');
    expect(displayPartialDateVi('1954-03')).toBe('03/1954');
    expect(displayPartialDateVi('1954')).toBe('1954');
    expect(displayPartialDateVi('garbage')).toBe('garbage');
  });
  it('computes ages from the earliest possible day', () => {
    expect(ageOn({ year: 1990, month: 6, day: 15 }, TODAY)).toBe(35);
    expect(ageOn({ year: 1990, month: 6, day: 16 }, TODAY)).toBe(34);
    expect(ageOn({ year: 1990, month: null, day: null }, TODAY)).toBe(35);
  });
});
