/**
 * Vaccine allocation plans (issue 3, item 2): how many doses an area needs to reach a coverage goal, and how a
 * total is split among its child areas. Integer arithmetic throughout (BigInt where products can pass 2^53), so the
 * server, the web and a spreadsheet check agree to the dose.
 */

export interface NeedInput {
  /** People in the target group (adults 18+, or over-50s) of the area. */
  targetPopulation: number;
  /** Share of the target population to cover, in percent (0 < goal <= 100, at most two decimals). */
  coverageGoalPct: number;
  /** Doses per person in the vaccine's primary series. */
  seriesDoses: number;
  /** Primary doses of the vaccine already given in the area. */
  dosesGiven: number;
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number of 0 or more`);
}

/** The goal in hundredths of a percent (70.5 % -> 7050); refuses goals outside (0, 100] or with finer precision. */
function goalHundredths(goal: number): number {
  const h = Math.round(goal * 100);
  if (!Number.isFinite(goal) || goal <= 0 || goal > 100 || Math.abs(goal * 100 - h) > 1e-6) {
    throw new RangeError('coverageGoalPct must be above 0 and at most 100, with at most two decimals');
  }
  return h;
}

/**
 * Doses still needed: target population x goal x doses per person, rounded up to whole doses, less the doses
 * already given; never below 0 (an area past its goal needs nothing more).
 */
export function dosesNeeded(input: NeedInput): number {
  assertCount(input.targetPopulation, 'targetPopulation');
  assertCount(input.dosesGiven, 'dosesGiven');
  if (!Number.isInteger(input.seriesDoses) || input.seriesDoses < 1) throw new RangeError('seriesDoses must be a whole number of 1 or more');
  const numerator = BigInt(input.targetPopulation) * BigInt(goalHundredths(input.coverageGoalPct)) * BigInt(input.seriesDoses);
  const goalDoses = (numerator + 9_999n) / 10_000n;
  const left = goalDoses - BigInt(input.dosesGiven);
  return left > 0n ? Number(left) : 0;
}

/**
 * Splits a whole number among parts in proportion to their weights, by the largest remainder method: each part
 * gets the floor of its exact share, and the doses left over go one each to the parts with the largest
 * remainders (ties: the larger weight, then the earlier part). The parts always sum to the total, each part is its
 * exact share rounded down or up, and a part of weight 0 gets nothing. A total above 0 with every weight 0 cannot
 * be split (RangeError).
 */
export function splitLargestRemainder(total: number, weights: readonly number[]): number[] {
  assertCount(total, 'total');
  weights.forEach((w, i) => assertCount(w, `weights[${i}]`));
  if (total === 0) return weights.map(() => 0);
  const sum = weights.reduce((s, w) => s + BigInt(w), 0n);
  if (sum === 0n) throw new RangeError('Nothing to split by: every weight is 0');
  const t = BigInt(total);
  const parts = weights.map((w) => (BigInt(w) * t) / sum);
  const remainders = weights.map((w) => (BigInt(w) * t) % sum);
  let left = t - parts.reduce((s, p) => s + p, 0n);
  const order = weights.map((_, i) => i).sort((a, b) => {
    const byRemainder = remainders[b]! - remainders[a]!;
    if (byRemainder !== 0n) return byRemainder > 0n ? 1 : -1;
    return weights[b]! - weights[a]! || a - b;
  });
  for (const i of order) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts.map(Number);
}

export interface AllocationArea {
  targetPopulation: number;
  dosesGiven: number;
}

export interface AllocationInput {
  coverageGoalPct: number;
  seriesDoses: number;
  /** The area whose doses are split. Its target population, when unknown, is the sum of its children's. */
  parent: { targetPopulation: number | null; dosesGiven: number };
  children: readonly AllocationArea[];
  /** The doses the area has to give out, when fewer than it needs (a delivery, the stock on hand). */
  dosesAvailable?: number | null;
}

export interface AllocationLine extends AllocationArea {
  dosesNeeded: number;
  dosesToAllocate: number;
}

export interface AllocationProposal {
  targetPopulation: number;
  dosesGiven: number;
  dosesNeeded: number;
  dosesToAllocate: number;
  children: AllocationLine[];
}

/**
 * A plan for an area: what it needs to reach the goal (capped by the doses available, when given), split among its
 * children in proportion to their own needs, so a child already past the goal gets nothing and no child gets more
 * than it needs. When no child needs anything but the area does (its own figures differ from its children's), the
 * split follows the children's target populations.
 */
export function proposeAllocation(input: AllocationInput): AllocationProposal {
  if (input.children.length === 0) throw new RangeError('An area without child areas has nothing to split among');
  const childrenPopulation = input.children.reduce((s, c) => s + c.targetPopulation, 0);
  const targetPopulation = input.parent.targetPopulation ?? childrenPopulation;
  const needed = dosesNeeded({ targetPopulation, coverageGoalPct: input.coverageGoalPct, seriesDoses: input.seriesDoses, dosesGiven: input.parent.dosesGiven });
  if (input.dosesAvailable !== undefined && input.dosesAvailable !== null) assertCount(input.dosesAvailable, 'dosesAvailable');
  const total = input.dosesAvailable === undefined || input.dosesAvailable === null ? needed : Math.min(needed, input.dosesAvailable);
  const needs = input.children.map((c) => dosesNeeded({ targetPopulation: c.targetPopulation, coverageGoalPct: input.coverageGoalPct, seriesDoses: input.seriesDoses, dosesGiven: c.dosesGiven }));
  const shares = splitLargestRemainder(total, needs.some((n) => n > 0) ? needs : input.children.map((c) => c.targetPopulation));
  return {
    targetPopulation,
    dosesGiven: input.parent.dosesGiven,
    dosesNeeded: needed,
    dosesToAllocate: total,
    children: input.children.map((c, i) => ({
      targetPopulation: c.targetPopulation,
      dosesGiven: c.dosesGiven,
      dosesNeeded: needs[i]!,
      dosesToAllocate: shares[i]!,
    })),
  };
}
