import { describe, expect, it } from 'vitest';
import { wastage } from './wastage';

describe('wastage', () => {
  it('counts the opened vial remainder once: returned, then discarded', () => {
    // 12 doses issued (2 vials of 6), 10 given, 2 returned at closing and discarded.
    expect(wastage({ issued: 12, returned: 2, given: 10, discarded: 2 })).toEqual({ unaccounted: 0, wasted: 2, used: 12, wastagePct: 16.67 });
  });

  it('counts doses issued to a closed session that neither came back nor were given', () => {
    expect(wastage({ issued: 12, returned: 0, given: 10, discarded: 0 })).toEqual({ unaccounted: 2, wasted: 2, used: 12, wastagePct: 16.67 });
  });

  it('adds discards in the store (closed vials, expiry, cold chain) to what went missing at sessions', () => {
    expect(wastage({ issued: 20, returned: 5, given: 14, discarded: 30 })).toEqual({ unaccounted: 1, wasted: 31, used: 45, wastagePct: 68.89 });
  });

  it('reports more doses given than issued as a negative unaccounted, wasting nothing for it', () => {
    expect(wastage({ issued: 10, returned: 0, given: 13, discarded: 1 })).toEqual({ unaccounted: -3, wasted: 1, used: 14, wastagePct: 7.14 });
  });

  it('has no percentage when nothing was used', () => {
    expect(wastage({ issued: 0, returned: 0, given: 0, discarded: 0 })).toEqual({ unaccounted: 0, wasted: 0, used: 0, wastagePct: null });
    expect(wastage({ issued: 6, returned: 6, given: 0, discarded: 0 }).wastagePct).toBeNull();
    expect(wastage({ issued: 0, returned: 0, given: 0, discarded: 4 }).wastagePct).toBe(100);
  });

  it.each(['issued', 'returned', 'given', 'discarded'])('refuses a negative or fractional %s', (field) => {
    const base = { issued: 1, returned: 0, given: 1, discarded: 0 };
    expect(() => wastage({ ...base, [field]: -1 })).toThrow(field);
    expect(() => wastage({ ...base, [field]: 0.5 })).toThrow(field);
  });
});
