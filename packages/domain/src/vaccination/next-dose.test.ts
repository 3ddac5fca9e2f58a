import { describe, expect, it } from 'vitest';
import { isoDay } from './calendar';
import { CATALOG_VERSIONS } from './catalog';
import { compareInvitationCandidates, nextDoseDue, type InvitationCandidate } from './next-dose';

const V1 = CATALOG_VERSIONS[0]!;
const V2 = CATALOG_VERSIONS[1]!;

describe('nextDoseDue', () => {
  it('is a first dose when there is no history', () => {
    expect(nextDoseDue([], V2, isoDay('2021-08-01'))).toEqual({ kind: 'first' });
  });

  it('gives the second AstraZeneca dose from the intervals of the product', () => {
    const next = nextDoseDue([{ date: isoDay('2021-06-01'), vaccine: 'astrazeneca' }], V1, isoDay('2021-06-10'));
    expect(next).toMatchObject({ kind: 'due', doseNumber: 2, booster: false });
    if (next.kind !== 'due') throw new Error('expected due');
    expect(next.earliest.toISOString().slice(0, 10)).toBe('2021-06-29');
    expect(next.recommended.toISOString().slice(0, 10)).toBe('2021-07-27');
  });

  it('foresees nothing after a complete series when the catalog has no boosters, and a booster when it has', () => {
    const doses = [{ date: isoDay('2021-06-01'), vaccine: 'janssen' }];
    expect(nextDoseDue(doses, V1, isoDay('2021-07-01'))).toEqual({ kind: 'none' });
    const next = nextDoseDue(doses, V2, isoDay('2021-12-01'));
    expect(next).toMatchObject({ kind: 'due', doseNumber: 2, booster: true });
  });

  it('stops at the booster limit', () => {
    const doses = [
      { date: isoDay('2021-06-01'), vaccine: 'pfizer' },
      { date: isoDay('2021-06-22'), vaccine: 'pfizer' },
      { date: isoDay('2021-12-22'), vaccine: 'pfizer' },
    ];
    expect(nextDoseDue(doses, V2, isoDay('2022-03-01'))).toEqual({ kind: 'none' });
  });

  it('ignores doses after the day asked about', () => {
    const doses = [{ date: isoDay('2021-06-01'), vaccine: 'abdala' }, { date: isoDay('2021-06-15'), vaccine: 'abdala' }];
    expect(nextDoseDue(doses, V1, isoDay('2021-06-05'))).toMatchObject({ kind: 'due', doseNumber: 2 });
  });
});

describe('compareInvitationCandidates', () => {
  const at = (d: string) => isoDay(d);
  it('orders by priority rank, then due date (first doses after overdue ones), then arrival', () => {
    const list: InvitationCandidate[] = [
      { personId: 'none-group', priorityRank: null, dueOn: at('2021-01-01'), since: at('2021-01-01') },
      { personId: 'g8-first', priorityRank: 8, dueOn: null, since: at('2021-01-01') },
      { personId: 'g8-due-late', priorityRank: 8, dueOn: at('2021-07-10'), since: at('2021-01-01') },
      { personId: 'g8-due-early', priorityRank: 8, dueOn: at('2021-07-01'), since: at('2021-05-01') },
      { personId: 'g1-first-later', priorityRank: 1, dueOn: null, since: at('2021-02-01') },
      { personId: 'g1-first', priorityRank: 1, dueOn: null, since: at('2021-01-15') },
    ];
    expect([...list].sort(compareInvitationCandidates).map((c) => c.personId)).toEqual(['g1-first', 'g1-first-later', 'g8-due-early', 'g8-due-late', 'g8-first', 'none-group']);
  });
});
