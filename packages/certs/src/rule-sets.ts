// Choosing among versioned rule sets: the trust list carries every version with the day it applies from, and a
// verifier evaluates the one in force at its own clock (an offline phone picks up a scheduled version on its day).
// Browser-safe.
import { AppError } from '@sen/domain';
import { vnDate, type RuleSet } from './rules';

/** Oldest first by validFrom. */
export const sortRuleSets = (sets: readonly RuleSet[]): RuleSet[] => [...sets].sort((a, b) => a.validFrom.localeCompare(b.validFrom));

/**
 * The set in force at `clock` (Viet Nam calendar day): the latest whose validFrom is not after that day. A clock
 * before every version gets the oldest one, as the vaccine catalog does for doses given before the campaign.
 */
export function ruleSetAt(sets: readonly RuleSet[], clock: Date): RuleSet {
  const sorted = sortRuleSets(sets);
  const first = sorted[0];
  if (!first) throw new AppError('rules_missing', 'No rule set is available');
  const day = vnDate(clock);
  let found = first;
  for (const s of sorted) if (s.validFrom <= day) found = s;
  return found;
}
