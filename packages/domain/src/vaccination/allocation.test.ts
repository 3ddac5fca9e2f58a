import { describe, expect, it } from 'vitest';
import { dosesNeeded, proposeAllocation, splitLargestRemainder } from './allocation';

/** A small deterministic generator (mulberry32), so the property checks are the same on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The properties every split must have, checked against exact rational shares. */
function checkSplit(total: number, weights: number[], parts: number[]) {
  expect(parts).toHaveLength(weights.length);
  expect(parts.reduce((s, p) => s + p, 0)).toBe(total);
  const sum = weights.reduce((s, w) => s + BigInt(w), 0n);
  weights.forEach((w, i) => {
    const exact = BigInt(w) * BigInt(total);
    const floor = exact / sum;
    const part = BigInt(parts[i]!);
    // floor(share) <= part <= ceil(share)
    expect(part >= floor && part <= (exact % sum === 0n ? floor : floor + 1n), `part ${i} of ${JSON.stringify(weights)} x ${total}`).toBe(true);
    if (w === 0) expect(parts[i]).toBe(0);
  });
}

describe('dosesNeeded', () => {
  it('is target x goal x series, less doses given', () => {
    expect(dosesNeeded({ targetPopulation: 1000, coverageGoalPct: 70, seriesDoses: 2, dosesGiven: 0 })).toBe(1400);
    expect(dosesNeeded({ targetPopulation: 1000, coverageGoalPct: 70, seriesDoses: 2, dosesGiven: 400 })).toBe(1000);
    expect(dosesNeeded({ targetPopulation: 1000, coverageGoalPct: 100, seriesDoses: 3, dosesGiven: 0 })).toBe(3000);
    expect(dosesNeeded({ targetPopulation: 1000, coverageGoalPct: 80, seriesDoses: 1, dosesGiven: 0 })).toBe(800);
  });

  it('rounds a fraction of a dose up, exactly (no floating point drift)', () => {
    // 333 x 70 % x 2 = 466.2 -> 467; 0.1 % of 1 person is one dose short of nothing -> 1.
    expect(dosesNeeded({ targetPopulation: 333, coverageGoalPct: 70, seriesDoses: 2, dosesGiven: 0 })).toBe(467);
    expect(dosesNeeded({ targetPopulation: 1, coverageGoalPct: 0.01, seriesDoses: 1, dosesGiven: 0 })).toBe(1);
    // 0.29 * 100 is 28.999999999999996 in floating point; the goal is still read as 29 %.
    expect(dosesNeeded({ targetPopulation: 100, coverageGoalPct: 0.29 * 100, seriesDoses: 1, dosesGiven: 0 })).toBe(29);
    expect(dosesNeeded({ targetPopulation: 10_000, coverageGoalPct: 33.33, seriesDoses: 1, dosesGiven: 0 })).toBe(3333);
  });

  it('never goes below 0', () => {
    expect(dosesNeeded({ targetPopulation: 1000, coverageGoalPct: 70, seriesDoses: 2, dosesGiven: 1400 })).toBe(0);
    expect(dosesNeeded({ targetPopulation: 1000, coverageGoalPct: 70, seriesDoses: 2, dosesGiven: 5000 })).toBe(0);
    expect(dosesNeeded({ targetPopulation: 0, coverageGoalPct: 70, seriesDoses: 2, dosesGiven: 0 })).toBe(0);
  });

  it('handles a country (100 million people, 3 doses) without losing precision', () => {
    expect(dosesNeeded({ targetPopulation: 100_000_000, coverageGoalPct: 99.99, seriesDoses: 3, dosesGiven: 1 })).toBe(299_969_999);
  });

  it.each([
    [{ coverageGoalPct: 0 }, /coverageGoalPct/],
    [{ coverageGoalPct: 100.01 }, /coverageGoalPct/],
    [{ coverageGoalPct: 70.001 }, /coverageGoalPct/],
    [{ coverageGoalPct: Number.NaN }, /coverageGoalPct/],
    [{ targetPopulation: -1 }, /targetPopulation/],
    [{ targetPopulation: 1.5 }, /targetPopulation/],
    [{ dosesGiven: -3 }, /dosesGiven/],
    [{ seriesDoses: 0 }, /seriesDoses/],
  ])('refuses %o', (bad, message) => {
    expect(() => dosesNeeded({ targetPopulation: 100, coverageGoalPct: 70, seriesDoses: 2, dosesGiven: 0, ...bad })).toThrow(message);
  });
});

describe('splitLargestRemainder', () => {
  it('splits in proportion, giving leftovers to the largest remainders', () => {
    expect(splitLargestRemainder(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitLargestRemainder(100, [50, 30, 20])).toEqual([50, 30, 20]);
    // Exact shares 4.2857, 2.8571, 2.8571: floors 4, 2, 2, the 2 left over go to the two .8571s.
    expect(splitLargestRemainder(10, [3, 2, 2])).toEqual([4, 3, 3]);
    expect(splitLargestRemainder(7, [1, 0, 1])).toEqual([4, 0, 3]);
    expect(splitLargestRemainder(1, [1, 1000])).toEqual([0, 1]);
  });

  it('breaks ties by the larger weight, then the earlier part', () => {
    // 5 x [1, 1, 2, 2] / 6: floors 0, 0, 1, 1; remainders 5, 5, 4, 4 (sixths); 3 left: parts 0, 1, then 2.
    expect(splitLargestRemainder(5, [1, 1, 2, 2])).toEqual([1, 1, 2, 1]);
    // Shares 0.5 and 1.5: equal remainders, the larger weight wins.
    expect(splitLargestRemainder(2, [1, 3])).toEqual([0, 2]);
    expect(splitLargestRemainder(2, [3, 1])).toEqual([2, 0]);
    expect(splitLargestRemainder(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(splitLargestRemainder(1, [2, 1, 1])).toEqual([1, 0, 0]);
    expect(splitLargestRemainder(3, [1, 2, 1, 2])).toEqual([1, 1, 0, 1]);
  });

  it('gives nothing to a total of 0, and refuses a total above 0 with nothing to split by', () => {
    expect(splitLargestRemainder(0, [0, 0])).toEqual([0, 0]);
    expect(splitLargestRemainder(0, [5, 3])).toEqual([0, 0]);
    expect(splitLargestRemainder(0, [])).toEqual([]);
    expect(() => splitLargestRemainder(5, [0, 0])).toThrow(/every weight is 0/);
    expect(() => splitLargestRemainder(5, [])).toThrow(/every weight is 0/);
    expect(() => splitLargestRemainder(-1, [1])).toThrow(/total/);
    expect(() => splitLargestRemainder(5, [1, -1])).toThrow(/weights\[1\]/);
    expect(() => splitLargestRemainder(5, [1, 0.5])).toThrow(/weights\[1\]/);
  });

  it('holds every property for every total up to 30 and every weight vector of up to 3 parts of 0 to 6', () => {
    const vectors: number[][] = [];
    for (let n = 1; n <= 3; n++) {
      const walk = (prefix: number[]) => {
        if (prefix.length === n) return void vectors.push(prefix);
        for (let w = 0; w <= 6; w++) walk([...prefix, w]);
      };
      walk([]);
    }
    let checked = 0;
    for (const weights of vectors) {
      if (weights.every((w) => w === 0)) continue;
      for (let total = 0; total <= 30; total++) {
        checkSplit(total, weights, splitLargestRemainder(total, weights));
        checked += 1;
      }
    }
    expect(checked).toBe((7 + 49 + 343 - 3) * 31);
  });

  it('holds on random large inputs (populations of provinces, a country of doses) and is deterministic', () => {
    const next = rng(2021);
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(next() * 40);
      const weights: number[] = Array.from({ length: n }, () => (next() < 0.1 ? 0 : Math.floor(next() * 12_000_000)));
      if (!weights.some((w) => w > 0)) weights[0] = 1;
      const total = Math.floor(next() * 300_000_000);
      const parts = splitLargestRemainder(total, weights);
      checkSplit(total, weights, parts);
      expect(splitLargestRemainder(total, weights)).toEqual(parts);
    }
  });

  it('does not lose precision when weight x total passes 2^53', () => {
    const parts = splitLargestRemainder(250_000_000, [100_000_000, 99_999_999, 1]);
    expect(parts.reduce((s, p) => s + p, 0)).toBe(250_000_000);
    checkSplit(250_000_000, [100_000_000, 99_999_999, 1], parts);
    expect(parts[2]).toBe(1);
  });

  it('moves exactly one dose more in all when the total grows by one, each part staying within its share', () => {
    const next = rng(7);
    for (let round = 0; round < 100; round++) {
      const weights = Array.from({ length: 2 + Math.floor(next() * 6) }, () => 1 + Math.floor(next() * 1000));
      for (let total = 1; total <= 60; total++) {
        const parts = splitLargestRemainder(total, weights);
        checkSplit(total, weights, parts);
        expect(parts.reduce((s, p) => s + p, 0) - splitLargestRemainder(total - 1, weights).reduce((s, p) => s + p, 0)).toBe(1);
      }
    }
  });
});

describe('proposeAllocation', () => {
  const children = [
    { targetPopulation: 5000, dosesGiven: 1000 },
    { targetPopulation: 3000, dosesGiven: 0 },
    { targetPopulation: 2000, dosesGiven: 3000 },
  ];

  it('splits the area need among the children by their own needs: none to a child past the goal, none above a need', () => {
    const p = proposeAllocation({ coverageGoalPct: 70, seriesDoses: 2, parent: { targetPopulation: null, dosesGiven: 4000 }, children });
    expect(p).toMatchObject({ targetPopulation: 10_000, dosesGiven: 4000, dosesNeeded: 10_000, dosesToAllocate: 10_000 });
    expect(p.children.map((c) => c.dosesNeeded)).toEqual([6000, 4200, 0]);
    // 10,000 x 6000/10,200 = 5882.35 and x 4200/10,200 = 4117.65: the larger remainder takes the last dose.
    expect(p.children.map((c) => c.dosesToAllocate)).toEqual([5882, 4118, 0]);
  });

  it('uses the area\'s own target population when it has one', () => {
    const p = proposeAllocation({ coverageGoalPct: 50, seriesDoses: 1, parent: { targetPopulation: 12_000, dosesGiven: 0 }, children });
    expect(p.targetPopulation).toBe(12_000);
    expect(p.dosesNeeded).toBe(6000);
    // Needs 1500, 1500, 0 (the third is past 50 %): the area's 6000 go to the two in proportion.
    expect(p.children.map((c) => c.dosesToAllocate)).toEqual([3000, 3000, 0]);
  });

  it('falls back to target populations when the area needs doses but none of its children does', () => {
    const even = [{ targetPopulation: 100, dosesGiven: 200 }, { targetPopulation: 300, dosesGiven: 600 }];
    const p = proposeAllocation({ coverageGoalPct: 100, seriesDoses: 2, parent: { targetPopulation: 1000, dosesGiven: 800 }, children: even });
    expect(p.children.map((c) => c.dosesNeeded)).toEqual([0, 0]);
    expect(p.dosesNeeded).toBe(1200);
    expect(p.children.map((c) => c.dosesToAllocate)).toEqual([300, 900]);
  });

  it('caps the plan by the doses available, rounding so the parts still sum to it', () => {
    const p = proposeAllocation({ coverageGoalPct: 70, seriesDoses: 2, parent: { targetPopulation: null, dosesGiven: 4000 }, children, dosesAvailable: 1001 });
    expect(p.dosesToAllocate).toBe(1001);
    // 1001 x 6000/10,200 = 588.8, x 4200/10,200 = 412.2.
    expect(p.children.map((c) => c.dosesToAllocate)).toEqual([589, 412, 0]);
    expect(proposeAllocation({ coverageGoalPct: 70, seriesDoses: 2, parent: { targetPopulation: null, dosesGiven: 0 }, children, dosesAvailable: 1e9 }).dosesToAllocate).toBe(14_000);
  });

  it('allocates nothing to an area past its goal', () => {
    const p = proposeAllocation({ coverageGoalPct: 70, seriesDoses: 2, parent: { targetPopulation: null, dosesGiven: 20_000 }, children });
    expect(p.dosesToAllocate).toBe(0);
    expect(p.children.every((c) => c.dosesToAllocate === 0)).toBe(true);
  });

  it('refuses an area without children, or with need but no target population to split by', () => {
    expect(() => proposeAllocation({ coverageGoalPct: 70, seriesDoses: 2, parent: { targetPopulation: 100, dosesGiven: 0 }, children: [] })).toThrow(/child areas/);
    expect(() => proposeAllocation({ coverageGoalPct: 70, seriesDoses: 2, parent: { targetPopulation: 100, dosesGiven: 0 }, children: [{ targetPopulation: 0, dosesGiven: 0 }] })).toThrow(/every weight is 0/);
    expect(() => proposeAllocation({ coverageGoalPct: 70, seriesDoses: 2, parent: { targetPopulation: null, dosesGiven: 0 }, children, dosesAvailable: -1 })).toThrow(/dosesAvailable/);
  });
});
