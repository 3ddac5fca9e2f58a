import { gapMinutes, overlapMinutes, type Interval } from './overlap';

/**
 * The rule that decides whether two visits to the same venue make a contact. Rules are data, so a province can
 * change the numbers (or switch rule) without code.
 *
 * - `window` (PC-COVID, Viet Nam 2021: "scanned the same venue within 1 hour before or after"). Exact definition:
 *   the index person's visit is widened by `minutes` on both sides, to [start - minutes, end + minutes], and the
 *   other visit is a contact when it meets that widened span, edges included. Equivalently: the gap between the
 *   two visits (the end of the earlier to the start of the later; zero when they touch or overlap) is at most
 *   `minutes`. Only one of the two visits is widened, so two visits exactly 60 minutes apart are a contact under
 *   `minutes: 60` and 61 minutes apart are not. The rule is symmetric: swapping index and other gives the same
 *   answer. A window contact is high risk when the visits also overlap by `highRiskMinutes` or more.
 * - `overlap` (Germany's Corona-Warn-App check-ins): the visits must share at least `minMinutes` minutes (and
 *   more than zero: touching visits are no contact even with `minMinutes: 0`); `highRiskMinutes` or more of
 *   overlap is high risk.
 */
export type ContactRule = WindowRule | OverlapRule;

export interface WindowRule {
  kind: 'window';
  /** How far before the index visit starts and after it ends another check-in still counts. */
  minutes: number;
  /** Minutes of actual overlap from which a window contact is high risk (default 10). */
  highRiskMinutes?: number;
}

export interface OverlapRule {
  kind: 'overlap';
  /** Minutes of overlap needed for a contact. */
  minMinutes: number;
  /** Minutes of overlap from which the contact is high risk. */
  highRiskMinutes: number;
}

export const PC_COVID_WINDOW_RULE: WindowRule = { kind: 'window', minutes: 60, highRiskMinutes: 10 };
export const CWA_OVERLAP_RULE: OverlapRule = { kind: 'overlap', minMinutes: 10, highRiskMinutes: 10 };

const DEFAULT_WINDOW_HIGH_RISK_MINUTES = 10;

export type ContactRisk = 'high' | 'low';

export interface ContactClassification {
  contact: boolean;
  /** Minutes the two visits share (zero when they touch or are apart). */
  overlapMinutes: number;
  /** Minutes between them when they do not overlap (zero when they touch or overlap). */
  gapMinutes: number;
  /** Null when not a contact. */
  risk: ContactRisk | null;
}

/**
 * How far the rule reaches beyond the index visit: another check-in further away than this on either side can
 * never be a contact. The tracing query widens its time range by it (plus the longest visit) to prune partitions.
 */
export function ruleReachMinutes(rule: ContactRule): number {
  return rule.kind === 'window' ? Math.max(0, rule.minutes) : 0;
}

/**
 * The rule as one threshold on the time two visits share (the overlap, negative for the gap between them), for a
 * query that filters before classifyContact: a contact shares at least `minSharedMinutes` (a window of W minutes:
 * -W, a gap of at most W) and, when `mustOverlap`, more than zero (touching visits are no overlap contact).
 */
export function ruleSharedMinutes(rule: ContactRule): { minSharedMinutes: number; mustOverlap: boolean } {
  return rule.kind === 'window' ? { minSharedMinutes: -Math.max(0, rule.minutes), mustOverlap: false } : { minSharedMinutes: rule.minMinutes, mustOverlap: true };
}

/** Whether `other` is a contact of `index` under `rule`; both visits with their ends filled in (see visitEnd). */
export function classifyContact(index: Interval, other: Interval, rule: ContactRule): ContactClassification {
  const overlap = overlapMinutes(index, other);
  const gap = gapMinutes(index, other);
  let contact: boolean;
  let highRiskMinutes: number;
  if (rule.kind === 'window') {
    contact = gap <= Math.max(0, rule.minutes);
    highRiskMinutes = rule.highRiskMinutes ?? DEFAULT_WINDOW_HIGH_RISK_MINUTES;
  } else {
    contact = overlap > 0 && overlap >= rule.minMinutes;
    highRiskMinutes = rule.highRiskMinutes;
  }
  const risk: ContactRisk | null = contact ? (overlap > 0 && overlap >= highRiskMinutes ? 'high' : 'low') : null;
  return { contact, overlapMinutes: overlap, gapMinutes: gap, risk };
}
