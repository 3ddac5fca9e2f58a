import { describe, expect, it } from 'vitest';
import { compareDoseKeys, daySeries, doseKey } from './daySeries';

describe('doses per day as chart series', () => {
  it('puts a zero on the days a vaccine had no dose and orders the series by their totals', () => {
    const rows = [
      { day: '2021-09-02', vaccine: 'pfizer', doses: 5 },
      { day: '2021-09-01', vaccine: 'astrazeneca', doses: 3 },
      { day: '2021-09-01', vaccine: 'pfizer', doses: 2 },
      { day: '2021-09-03', vaccine: 'astrazeneca', doses: 1 },
    ];
    const out = daySeries(rows, (r) => String(r.vaccine));
    expect(out.days).toEqual(['2021-09-01', '2021-09-02', '2021-09-03']);
    expect(out.series).toEqual([
      { key: 'pfizer', total: 7, data: [2, 5, 0] },
      { key: 'astrazeneca', total: 4, data: [3, 0, 1] },
    ]);
  });

  it('keys doses by kind and number, primary first then by number, and leaves out rows without a key', () => {
    const rows = [
      { day: '2021-09-01', doseKind: 'booster', doseNumber: 3, doses: 9 },
      { day: '2021-09-01', doseKind: 'primary', doseNumber: 2, doses: 1 },
      { day: '2021-09-01', doseKind: 'primary', doseNumber: 10, doses: 1 },
      { day: '2021-09-01', doseKind: 'primary', doseNumber: 1, doses: 4 },
      { day: '2021-09-01', doseKind: null, doseNumber: null, doses: 100 },
    ];
    const out = daySeries(rows, doseKey, compareDoseKeys);
    expect(out.series.map((s) => s.key)).toEqual(['primary:1', 'primary:2', 'primary:10', 'booster:3']);
    expect(out.series.reduce((s, x) => s + x.total, 0)).toBe(15);
  });
});
