import { describe, expect, it } from 'vitest';
import { checkpointOutcome, ruleOutcomeOf } from './checkpoint-cache';
import { defaultRuleSet, evaluateCheckpoint, type RuleSet } from './rules';
import type { Dcc } from './schema';

const base = { ver: '1.3.0', nam: { fnt: 'NGUYEN<VAN', gnt: 'DUC' }, dob: '1985-07-14' };
const vacc = (mp: string, dn: number, sd: number, dt: string): Dcc => ({ ...base, v: [{ tg: '840539006', vp: 'x', mp, ma: 'x', dn, sd, dt, co: 'VN', is: 'MOH', ci: `URN:UVCI:01:VN:${mp}/${dn}/${dt}` }] });
const rec = (fr: string): Dcc => ({ ...base, r: [{ tg: '840539006', fr, co: 'VN', is: 'MOH', df: fr, du: '2022-12-31', ci: `URN:UVCI:01:VN:R/${fr}` }] });
const test = (sc: string, tr = '260415000'): Dcc => ({ ...base, t: [{ tg: '840539006', tt: 'LP6464-4', sc, tr, co: 'VN', is: 'MOH', ci: `URN:UVCI:01:VN:T/${sc}` }] });
const direct = (rules: RuleSet, dcc: Dcc, clock: Date) => ruleOutcomeOf(evaluateCheckpoint(rules, dcc, clock));

describe('checkpoint outcomes kept per rule set', () => {
  it('always gives what evaluateCheckpoint gives: doses, recoveries and tests, across Viet Nam and UTC midnights', () => {
    const rules = defaultRuleSet();
    const dccs = [
      ...['EU/1/21/1529', 'EU/1/20/1525', 'Abdala'].flatMap((mp) => [1, 2, 3].flatMap((dn) => ['2021-10-01', '2021-10-02'].map((dt) => vacc(mp, dn, 2, dt)))),
      vacc('EU/1/20/1525', 1, 1, '2021-10-01'), vacc('Abdala', 3, 3, '2021-10-01'),
      rec('2021-10-01'), rec('2021-04-20'),
      test('2021-10-12T16:30:00Z'), test('2021-10-12T17:30:00Z'), test('2021-10-13T01:00:00Z', '260373001'),
    ];
    // Instants on both sides of 17:00 UTC (midnight in Viet Nam) and of 00:00 UTC, around day 14 and 72 hours.
    const clocks = ['2021-10-14T16:59:59Z', '2021-10-14T17:00:00Z', '2021-10-14T23:59:59Z', '2021-10-15T00:00:00Z', '2021-10-15T16:29:00Z', '2021-10-15T16:31:00Z', '2021-10-15T17:31:00Z', '2021-10-16T02:00:00Z', '2022-04-19T17:00:00Z'].map((c) => new Date(c));
    let refused = 0;
    for (let round = 0; round < 2; round++) {
      for (const clock of clocks) {
        for (const dcc of dccs) {
          const expected = direct(rules, dcc, clock);
          if (!expected.ok) refused++;
          expect(checkpointOutcome(rules, dcc, clock), `${JSON.stringify(dcc.v ?? dcc.r ?? dcc.t)} at ${clock.toISOString()}`).toEqual(expected);
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(2 * clocks.length * dccs.length);
  });

  it('keys a test certificate on the instant, not the day (the 72-hour rule)', () => {
    const rules = defaultRuleSet();
    const dcc = test('2021-10-01T08:00:00Z');
    expect(checkpointOutcome(rules, dcc, new Date('2021-10-04T07:59:00Z')).ok).toBe(true);
    expect(checkpointOutcome(rules, dcc, new Date('2021-10-04T08:01:00Z')).ok).toBe(false);
  });

  it('keys on whatever the rules read, here the name and the whole external object', () => {
    const rules: RuleSet = {
      version: 'x', validFrom: '2021-01-01',
      rules: [
        { id: 'NAME', purpose: 'checkpoint', type: 'v', description: { vi: 'tên', en: 'name' }, logic: { '===': [{ var: 'payload.nam.fnt' }, 'NGUYEN<VAN'] } },
        { id: 'ANY', purpose: 'checkpoint', description: { vi: 'x', en: 'external present' }, logic: { if: [{ var: 'external' }, true, false] } },
      ],
    };
    const a = vacc('EU/1/21/1529', 2, 2, '2021-10-01');
    const b: Dcc = { ...a, nam: { fnt: 'TRAN<THI' } };
    const clock = new Date('2021-11-01T00:00:00Z');
    expect(checkpointOutcome(rules, a, clock)).toEqual({ ok: true });
    expect(checkpointOutcome(rules, b, clock)).toEqual(direct(rules, b, clock));
    expect(checkpointOutcome(rules, b, clock).ok).toBe(false);
    expect(checkpointOutcome(rules, a, new Date('2021-11-01T00:00:01Z'))).toEqual({ ok: true });
  });

  it('does not reuse one rule set\'s outcomes for another', () => {
    const dcc = vacc('EU/1/21/1529', 2, 2, '2021-10-01');
    const clock = new Date('2021-11-01T00:00:00Z');
    const accepting = defaultRuleSet();
    expect(checkpointOutcome(accepting, dcc, clock).ok).toBe(true);
    const strict: RuleSet = { ...accepting, rules: accepting.rules.map((r) => (r.id === 'VN-CP-V-0001' ? { ...r, logic: { '>': [{ var: 'payload.v.0.dn' }, 2] } } : r)) };
    expect(checkpointOutcome(strict, dcc, clock)).toEqual(direct(strict, dcc, clock));
    expect(checkpointOutcome(strict, dcc, clock).ok).toBe(false);
  });
});
