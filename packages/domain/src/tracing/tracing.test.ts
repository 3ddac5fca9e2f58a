import { describe, expect, it } from 'vitest';
import {
  classifyContact, CWA_OVERLAP_RULE, gapMinutes, overlapMinutes, PC_COVID_WINDOW_RULE, ruleReachMinutes, ruleSharedMinutes, visitEnd, visitInterval,
  type ContactRule,
  type Interval, type Visit,
} from './index';
import { contactScore, DEFAULT_RANKING_WEIGHTS, rankCandidates, type CandidateContact } from './rank-candidates';

/** A time in Viet Nam (UTC+7), written the way people there read it. */
const vn = (local: string) => new Date(`${local}+07:00`);
const iv = (a: string, b: string): Interval => ({ start: vn(a), end: vn(b) });
const visit = (start: string, end: string | null, personRef = 'p'): Visit => ({ venueId: 'v', personRef, start: vn(start), end: end ? vn(end) : null });

describe('visitEnd', () => {
  it('uses the check-out when there is one', () => {
    expect(visitEnd(visit('2021-08-01T10:00', '2021-08-01T10:25'), 60)).toEqual(vn('2021-08-01T10:25'));
  });
  it('without a check-out, adds the venue default length, across midnight too', () => {
    expect(visitEnd(visit('2021-08-01T10:00', null), 30)).toEqual(vn('2021-08-01T10:30'));
    expect(visitEnd(visit('2021-08-01T23:45', null), 30)).toEqual(vn('2021-08-02T00:15'));
  });
  it('reads a check-out before the check-in as a zero-length visit, and a negative default as zero', () => {
    expect(visitEnd(visit('2021-08-01T10:00', '2021-08-01T09:00'), 30)).toEqual(vn('2021-08-01T10:00'));
    expect(visitEnd(visit('2021-08-01T10:00', null), -5)).toEqual(vn('2021-08-01T10:00'));
  });
  it('visitInterval fills the end in', () => {
    expect(visitInterval(visit('2021-08-01T10:00', null), 45)).toEqual(iv('2021-08-01T10:00', '2021-08-01T10:45'));
  });
});

describe('overlapMinutes and gapMinutes', () => {
  const a = iv('2021-08-01T10:00', '2021-08-01T11:00');
  it('touching intervals overlap by zero minutes and are zero apart', () => {
    const b = iv('2021-08-01T11:00', '2021-08-01T12:00');
    expect(overlapMinutes(a, b)).toBe(0);
    expect(overlapMinutes(b, a)).toBe(0);
    expect(gapMinutes(a, b)).toBe(0);
  });
  it('partial overlap, both orders', () => {
    const b = iv('2021-08-01T10:40', '2021-08-01T12:00');
    expect(overlapMinutes(a, b)).toBe(20);
    expect(overlapMinutes(b, a)).toBe(20);
    expect(gapMinutes(a, b)).toBe(0);
  });
  it('contained and identical intervals', () => {
    expect(overlapMinutes(a, iv('2021-08-01T10:10', '2021-08-01T10:25'))).toBe(15);
    expect(overlapMinutes(iv('2021-08-01T10:10', '2021-08-01T10:25'), a)).toBe(15);
    expect(overlapMinutes(a, a)).toBe(60);
  });
  it('apart: zero overlap, the gap in minutes', () => {
    const b = iv('2021-08-01T12:30', '2021-08-01T13:00');
    expect(overlapMinutes(a, b)).toBe(0);
    expect(gapMinutes(a, b)).toBe(90);
    expect(gapMinutes(b, a)).toBe(90);
  });
  it('fractional minutes are kept', () => {
    const b: Interval = { start: new Date(a.end.getTime() - 30_000), end: new Date(a.end.getTime() + 60_000) };
    expect(overlapMinutes(a, b)).toBe(0.5);
  });
  it('zero-length intervals overlap nothing', () => {
    const point = iv('2021-08-01T10:30', '2021-08-01T10:30');
    expect(overlapMinutes(a, point)).toBe(0);
    expect(gapMinutes(a, point)).toBe(0);
  });
  it('across midnight in Viet Nam time', () => {
    const late = iv('2021-08-01T23:30', '2021-08-02T00:30');
    const early = iv('2021-08-02T00:00', '2021-08-02T01:00');
    expect(overlapMinutes(late, early)).toBe(30);
  });
  it('across a day-partition boundary: 00:00+07 is 17:00 UTC the day before, the same instant either way', () => {
    // One visit written in UTC, the other in Viet Nam time; they straddle the partition boundary 2021-08-02 00:00+07.
    const utc: Interval = { start: new Date('2021-08-01T16:50:00Z'), end: new Date('2021-08-01T17:20:00Z') };
    const local = iv('2021-08-02T00:05', '2021-08-02T00:45');
    expect(overlapMinutes(utc, local)).toBe(15);
    // And a UTC midnight is no boundary of its own: 06:50 to 07:10 in Viet Nam.
    expect(overlapMinutes({ start: new Date('2021-08-01T23:50:00Z'), end: new Date('2021-08-02T00:10:00Z') }, iv('2021-08-02T07:00', '2021-08-02T08:00'))).toBe(10);
  });
});

describe('classifyContact: the window rule (PC-COVID, within 60 minutes before or after)', () => {
  const index = iv('2021-08-01T10:00', '2021-08-01T10:30');
  const rule = PC_COVID_WINDOW_RULE;
  it('exactly 60 minutes after the index visit ends counts; 61 does not', () => {
    expect(classifyContact(index, iv('2021-08-01T11:30', '2021-08-01T11:40'), rule)).toEqual({ contact: true, overlapMinutes: 0, gapMinutes: 60, risk: 'low' });
    expect(classifyContact(index, iv('2021-08-01T11:31', '2021-08-01T11:40'), rule)).toEqual({ contact: false, overlapMinutes: 0, gapMinutes: 61, risk: null });
  });
  it('exactly 60 minutes before the index visit starts counts; 61 does not', () => {
    expect(classifyContact(index, iv('2021-08-01T08:50', '2021-08-01T09:00'), rule).contact).toBe(true);
    expect(classifyContact(index, iv('2021-08-01T08:49', '2021-08-01T08:59'), rule).contact).toBe(false);
  });
  it('60 minutes and one second apart is no contact (no rounding to whole minutes)', () => {
    const other: Interval = { start: new Date(index.end.getTime() + 3_601_000), end: new Date(index.end.getTime() + 4_000_000) };
    expect(classifyContact(index, other, rule).contact).toBe(false);
  });
  it('is symmetric', () => {
    const other = iv('2021-08-01T11:30', '2021-08-01T11:40');
    expect(classifyContact(other, index, rule)).toEqual(classifyContact(index, other, rule));
  });
  it('touching visits are contacts with zero minutes of overlap, low risk', () => {
    expect(classifyContact(index, iv('2021-08-01T10:30', '2021-08-01T11:00'), rule)).toEqual({ contact: true, overlapMinutes: 0, gapMinutes: 0, risk: 'low' });
  });
  it('overlap of 10 minutes or more is high risk, 9 is low', () => {
    expect(classifyContact(index, iv('2021-08-01T10:20', '2021-08-01T11:00'), rule).risk).toBe('high');
    expect(classifyContact(index, iv('2021-08-01T10:21', '2021-08-01T11:00'), rule).risk).toBe('low');
  });
  it('a visit with no check-out, filled in with the venue default, across midnight', () => {
    const late = visitInterval(visit('2021-08-01T23:10', null), 60); // until 00:10
    expect(classifyContact(late, iv('2021-08-02T01:10', '2021-08-02T01:30'), rule).contact).toBe(true);
    expect(classifyContact(late, iv('2021-08-02T01:11', '2021-08-02T01:30'), rule).contact).toBe(false);
  });
  it('a custom window of 15 minutes', () => {
    expect(classifyContact(index, iv('2021-08-01T10:45', '2021-08-01T11:00'), { kind: 'window', minutes: 15 }).contact).toBe(true);
    expect(classifyContact(index, iv('2021-08-01T10:46', '2021-08-01T11:00'), { kind: 'window', minutes: 15 }).contact).toBe(false);
  });
  it('reach: the window', () => {
    expect(ruleReachMinutes(rule)).toBe(60);
    expect(ruleReachMinutes(CWA_OVERLAP_RULE)).toBe(0);
  });
});

describe('classifyContact: the overlap rule (minutes together, 10 or more = high risk)', () => {
  const index = iv('2021-08-01T10:00', '2021-08-01T11:00');
  const rule = CWA_OVERLAP_RULE;
  it('10 minutes of overlap is a high-risk contact; 9 is none', () => {
    expect(classifyContact(index, iv('2021-08-01T10:50', '2021-08-01T12:00'), rule)).toEqual({ contact: true, overlapMinutes: 10, gapMinutes: 0, risk: 'high' });
    expect(classifyContact(index, iv('2021-08-01T10:51', '2021-08-01T12:00'), rule)).toEqual({ contact: false, overlapMinutes: 9, gapMinutes: 0, risk: null });
  });
  it('touching visits are no contact, even when zero minutes are enough', () => {
    expect(classifyContact(index, iv('2021-08-01T11:00', '2021-08-01T12:00'), rule).contact).toBe(false);
    expect(classifyContact(index, iv('2021-08-01T11:00', '2021-08-01T12:00'), { kind: 'overlap', minMinutes: 0, highRiskMinutes: 10 }).contact).toBe(false);
  });
  it('a visit contained in the other, and identical visits', () => {
    expect(classifyContact(index, iv('2021-08-01T10:15', '2021-08-01T10:40'), rule)).toMatchObject({ contact: true, overlapMinutes: 25, risk: 'high' });
    expect(classifyContact(index, index, rule)).toMatchObject({ contact: true, overlapMinutes: 60, risk: 'high' });
  });
  it('low risk between minMinutes and highRiskMinutes', () => {
    expect(classifyContact(index, iv('2021-08-01T10:55', '2021-08-01T12:00'), { kind: 'overlap', minMinutes: 1, highRiskMinutes: 10 })).toMatchObject({ contact: true, risk: 'low' });
  });
  it('apart is no contact however close', () => {
    expect(classifyContact(index, iv('2021-08-01T11:01', '2021-08-01T12:00'), rule)).toEqual({ contact: false, overlapMinutes: 0, gapMinutes: 1, risk: null });
  });
  it('across midnight and a partition boundary, with no check-out on one side', () => {
    const a = visitInterval(visit('2021-08-01T23:50', null), 30); // 23:50 to 00:20 (+07)
    const b: Interval = { start: new Date('2021-08-01T17:05:00Z'), end: new Date('2021-08-01T18:00:00Z') }; // 00:05 to 01:00 (+07)
    expect(classifyContact(a, b, rule)).toMatchObject({ contact: true, overlapMinutes: 15, risk: 'high' });
  });
});

describe('ruleSharedMinutes: the rule as a threshold on shared time (for SQL)', () => {
  const rules: ContactRule[] = [PC_COVID_WINDOW_RULE, { kind: 'window', minutes: 15 }, { kind: 'window', minutes: 0 }, CWA_OVERLAP_RULE, { kind: 'overlap', minMinutes: 0, highRiskMinutes: 10 }];
  it('gives the window as a negative threshold and the overlap minimum as it is', () => {
    expect(ruleSharedMinutes(PC_COVID_WINDOW_RULE)).toEqual({ minSharedMinutes: -60, mustOverlap: false });
    expect(ruleSharedMinutes(CWA_OVERLAP_RULE)).toEqual({ minSharedMinutes: 10, mustOverlap: true });
  });
  it('agrees with classifyContact on every pair of a grid of visits, edges included', () => {
    const index = iv('2021-08-01T10:00', '2021-08-01T10:30');
    let contacts = 0;
    for (let start = -120; start <= 120; start += 5) {
      for (const length of [0, 5, 10, 30, 90]) {
        const other: Interval = { start: new Date(index.start.getTime() + start * 60_000), end: new Date(index.start.getTime() + (start + length) * 60_000) };
        const shared = (Math.min(index.end.getTime(), other.end.getTime()) - Math.max(index.start.getTime(), other.start.getTime())) / 60_000;
        for (const rule of rules) {
          const { minSharedMinutes, mustOverlap } = ruleSharedMinutes(rule);
          const expected = classifyContact(index, other, rule).contact;
          if (expected) contacts += 1;
          expect(shared >= minSharedMinutes && (!mustOverlap || shared > 0), `${JSON.stringify(rule)} at ${start} for ${length}`).toBe(expected);
        }
      }
    }
    expect(contacts).toBeGreaterThan(100);
  });
});

describe('rankCandidates', () => {
  const c = (personRef: string, over: Partial<CandidateContact> = {}): CandidateContact => ({
    personRef, venueId: 'v1', venueType: 'business', indexVisitKey: 'iv1', overlapMinutes: 10, gapMinutes: 0, risk: 'high', ...over,
  });
  it('scores a contact by overlap, high-risk bonus and venue type weight', () => {
    expect(contactScore({ overlapMinutes: 30, gapMinutes: 0, risk: 'high', venueType: 'business' })).toBe(50);
    expect(contactScore({ overlapMinutes: 30, gapMinutes: 0, risk: 'high', venueType: 'market' })).toBe(75);
    expect(contactScore({ overlapMinutes: 30, gapMinutes: 0, risk: 'high', venueType: 'unheard-of' })).toBe(50);
    expect(contactScore({ overlapMinutes: 30, gapMinutes: 0, risk: 'high', venueType: null })).toBe(50);
    expect(contactScore({ overlapMinutes: 500, gapMinutes: 0, risk: 'high' })).toBe(140); // capped at 120 minutes
  });
  it('a window contact with no overlap earns near-miss points falling with the gap', () => {
    expect(contactScore({ overlapMinutes: 0, gapMinutes: 0, risk: 'low' })).toBe(10);
    expect(contactScore({ overlapMinutes: 0, gapMinutes: 30, risk: 'low' })).toBe(5);
    expect(contactScore({ overlapMinutes: 0, gapMinutes: 60, risk: 'low' })).toBe(0);
  });
  it('repeated contact at several index visits multiplies the score', () => {
    const once = rankCandidates([c('a')])[0]!;
    const twice = rankCandidates([c('a'), c('a', { indexVisitKey: 'iv2', venueId: 'v2' })])[0]!;
    expect(once.score).toBe(30);
    expect(twice).toEqual({ personRef: 'a', score: 90, contacts: 2, distinctVisits: 2, totalOverlapMinutes: 20, risk: 'high', venueIds: ['v1', 'v2'] });
    const many = rankCandidates(['1', '2', '3', '4', '5', '6'].map((k) => c('a', { indexVisitKey: k })))[0]!;
    expect(many.score).toBe(6 * 30 * DEFAULT_RANKING_WEIGHTS.maxRepeatFactor);
  });
  it('orders by score, then distinct visits, then overlap, then reference; the same whatever the input order', () => {
    const input = [
      c('low', { overlapMinutes: 0, gapMinutes: 30, risk: 'low' }),
      c('b-tie'),
      c('market', { venueType: 'market' }),
      c('a-tie'),
      c('repeat', { overlapMinutes: 5, risk: 'low' }),
      c('repeat', { overlapMinutes: 5, risk: 'low', indexVisitKey: 'iv2' }),
    ];
    const order = rankCandidates(input).map((r) => r.personRef);
    expect(order).toEqual(['market', 'a-tie', 'b-tie', 'repeat', 'low']);
    expect(rankCandidates([...input].reverse())).toEqual(rankCandidates(input));
    expect(rankCandidates(input).find((r) => r.personRef === 'low')?.risk).toBe('low');
  });
  it('weights are data: a custom table changes the order', () => {
    const weights = { ...DEFAULT_RANKING_WEIGHTS, venueTypeWeights: { checkpoint: 5 } };
    expect(rankCandidates([c('shop'), c('gate', { venueType: 'checkpoint' })], weights).map((r) => r.personRef)).toEqual(['gate', 'shop']);
  });
  it('nothing in, nothing out', () => {
    expect(rankCandidates([])).toEqual([]);
  });
});
