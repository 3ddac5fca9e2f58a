import { describe, expect, it } from 'vitest';
import { addDays, isoDay } from './calendar';
import { CATALOG_VERSIONS, findVaccine } from './catalog';
import {
  classifyDoses,
  euDoseEncoding,
  evaluateDose,
  isFullyVaccinated,
  vaccinationStatus,
  type DoseEvaluationInput,
  type DoseRecord,
} from './dose-rules';

const v1 = CATALOG_VERSIONS[0]!;
const v2 = CATALOG_VERSIONS[1]!;
const ADULT = '1980-05-10';
const D1 = isoDay('2021-07-01');

const dose = (date: Date, vaccine: string, component?: string): DoseRecord => ({ date, vaccine, component: component ?? null });
const codes = (e: { problems: { code: string }[] }) => e.problems.map((p) => p.code);

function evaluate(prior: DoseRecord[], date: Date, vaccine: string, extra: Partial<DoseEvaluationInput> & { component?: string } = {}) {
  const { component, ...rest } = extra;
  return evaluateDose({ birthDate: ADULT, priorDoses: prior, proposed: { date, vaccine, component: component ?? null }, ...rest });
}

describe('first doses', () => {
  it('allows a first AstraZeneca dose and gives the window of the second', () => {
    const e = evaluate([], D1, 'astrazeneca');
    expect(e).toMatchObject({ allowed: true, doseNumber: 1, kind: 'primary', boosterNumber: null, seriesLength: 2, seriesComplete: false, catalogVersion: 1 });
    expect(e.problems).toEqual([]);
    expect(e.nextDue).toEqual({ earliest: addDays(D1, 28), recommended: addDays(D1, 56), latest: addDays(D1, 84) });
  });

  it('blocks a vaccine not in the catalog', () => {
    const e = evaluate([], D1, 'covaxin');
    expect(e.allowed).toBe(false);
    expect(codes(e)).toEqual(['unknown_vaccine']);
    expect(e.nextDue).toBeNull();
  });

  it('blocks when a prior dose is of an unknown vaccine', () => {
    const e = evaluate([dose(D1, 'covaxin')], addDays(D1, 60), 'pfizer');
    expect(e.allowed).toBe(false);
    expect(codes(e)).toContain('unknown_prior_vaccine');
  });
});

describe('Abdala: 3 doses 14 days apart', () => {
  it('blocks the second dose at day 13 and allows it at day 14', () => {
    const early = evaluate([dose(D1, 'abdala')], addDays(D1, 13), 'abdala');
    expect(early.allowed).toBe(false);
    expect(codes(early)).toEqual(['too_early']);
    const onTime = evaluate([dose(D1, 'abdala')], addDays(D1, 14), 'abdala');
    expect(onTime).toMatchObject({ allowed: true, doseNumber: 2, seriesComplete: false, problems: [] });
    expect(onTime.nextDue?.earliest).toEqual(addDays(D1, 28));
  });

  it('completes the series at the third dose, not the second', () => {
    const prior = [dose(D1, 'abdala'), dose(addDays(D1, 14), 'abdala')];
    expect(evaluate(prior, addDays(D1, 27), 'abdala').allowed).toBe(false);
    const third = evaluate(prior, addDays(D1, 28), 'abdala');
    expect(third).toMatchObject({ allowed: true, doseNumber: 3, kind: 'primary', seriesComplete: true, problems: [] });
    expect(third.nextDue).toBeNull(); // no boosters in version 1
  });
});

describe('Janssen: a single dose', () => {
  it('completes the series at dose 1', () => {
    const e = evaluate([], D1, 'janssen');
    expect(e).toMatchObject({ allowed: true, doseNumber: 1, seriesLength: 1, seriesComplete: true, nextDue: null });
  });

  it('foresees a booster once the catalog allows them', () => {
    const day = isoDay('2021-12-01');
    expect(evaluate([], day, 'janssen').nextDue).toEqual({ earliest: addDays(day, 90), recommended: addDays(day, 90), latest: null });
  });

  it('counts a later Pfizer dose as booster 1, encoded 2/1', () => {
    const prior = [dose(isoDay('2021-08-01'), 'janssen')];
    const e = evaluate(prior, isoDay('2021-12-01'), 'pfizer');
    expect(e).toMatchObject({ allowed: true, doseNumber: 2, kind: 'booster', boosterNumber: 1, seriesLength: 1, seriesComplete: true, catalogVersion: 2 });
    const classified = classifyDoses([...prior, dose(isoDay('2021-12-01'), 'pfizer')], v2);
    expect(euDoseEncoding(classified[1]!, v2)).toEqual({ tg: '840539006', mp: 'EU/1/20/1528', ma: 'ORG-100030215', vp: '1119349007', dn: 2, sd: 1 });
  });

  it('blocks the booster while the catalog in force has none', () => {
    const e = evaluate([dose(isoDay('2021-07-01'), 'janssen')], isoDay('2021-11-01'), 'pfizer');
    expect(e.kind).toBe('booster');
    expect(e.allowed).toBe(false);
    expect(codes(e)).toEqual(['booster_not_allowed']);
    expect(e.problems[0]!.overridable).toBe(false);
  });
});

describe('Sputnik V components', () => {
  it('allows component I then II and completes', () => {
    const first = evaluate([], D1, 'sputnikv', { component: 'I' });
    expect(first).toMatchObject({ allowed: true, problems: [] });
    const second = evaluate([dose(D1, 'sputnikv', 'I')], addDays(D1, 21), 'sputnikv', { component: 'II' });
    expect(second).toMatchObject({ allowed: true, doseNumber: 2, seriesComplete: true, problems: [] });
  });

  it('blocks component I as the second dose', () => {
    const e = evaluate([dose(D1, 'sputnikv', 'I')], addDays(D1, 21), 'sputnikv', { component: 'I' });
    expect(e.allowed).toBe(false);
    expect(codes(e)).toEqual(['component_mismatch']);
    expect(e.problems[0]!.details).toEqual({ expected: 'II', given: 'I' });
  });

  it('blocks component II as the first dose', () => {
    const e = evaluate([], D1, 'sputnikv', { component: 'II' });
    expect(codes(e)).toEqual(['component_mismatch']);
    expect(e.allowed).toBe(false);
  });

  it('warns when no component is recorded', () => {
    const e = evaluate([dose(D1, 'sputnikv', 'I')], addDays(D1, 21), 'sputnikv');
    expect(e.allowed).toBe(true);
    expect(e.problems).toMatchObject([{ code: 'component_missing', severity: 'warn', overridable: true }]);
  });
});

describe('mixed schedules', () => {
  it('completes AstraZeneca then Pfizer at 8 weeks', () => {
    const e = evaluate([dose(D1, 'astrazeneca')], addDays(D1, 56), 'pfizer');
    expect(e).toMatchObject({ allowed: true, doseNumber: 2, seriesLength: 2, seriesComplete: true, problems: [] });
  });

  it('allows AstraZeneca then Moderna and Vero Cell then AstraZeneca or Pfizer', () => {
    expect(evaluate([dose(D1, 'astrazeneca')], addDays(D1, 56), 'moderna').allowed).toBe(true);
    expect(evaluate([dose(D1, 'verocell')], addDays(D1, 21), 'astrazeneca').allowed).toBe(true);
    expect(evaluate([dose(D1, 'verocell')], addDays(D1, 21), 'pfizer').allowed).toBe(true);
  });

  it('blocks AstraZeneca then Vero Cell, and Sputnik V then Pfizer', () => {
    const az = evaluate([dose(D1, 'astrazeneca')], addDays(D1, 56), 'verocell');
    expect(az.allowed).toBe(false);
    expect(codes(az)).toEqual(['mixing_not_allowed']);
    expect(az.problems[0]!.overridable).toBe(false);
    expect(codes(evaluate([dose(D1, 'sputnikv', 'I')], addDays(D1, 21), 'pfizer'))).toEqual(['mixing_not_allowed']);
  });

  it('keeps the interval of the product that primed the series', () => {
    // Pfizer alone allows 21 days, but after AstraZeneca the AstraZeneca minimum of 28 applies.
    expect(codes(evaluate([dose(D1, 'astrazeneca')], addDays(D1, 21), 'pfizer'))).toEqual(['too_early']);
  });

  it('needs the series length of the first product: AstraZeneca then Janssen is not a "Janssen series"', () => {
    // Janssen after AstraZeneca is not an allowed mix, and the series stays AstraZeneca's 2 doses.
    const e = evaluate([dose(D1, 'astrazeneca')], addDays(D1, 56), 'janssen');
    expect(e).toMatchObject({ allowed: false, seriesLength: 2 });
  });
});

describe('intervals', () => {
  it('blocks AstraZeneca dose 2 at 27 days, warns at 28 (hot spots) and is clean at 56', () => {
    const at27 = evaluate([dose(D1, 'astrazeneca')], addDays(D1, 27), 'astrazeneca');
    expect(at27.allowed).toBe(false);
    expect(at27.problems).toMatchObject([{ code: 'too_early', severity: 'block', details: { days: 27, minDays: 28 } }]);
    const at28 = evaluate([dose(D1, 'astrazeneca')], addDays(D1, 28), 'astrazeneca');
    expect(at28.allowed).toBe(true);
    expect(at28.problems).toMatchObject([{ code: 'earlier_than_recommended', severity: 'warn', overridable: true }]);
    const at55 = evaluate([dose(D1, 'astrazeneca')], addDays(D1, 55), 'astrazeneca');
    expect(codes(at55)).toEqual(['earlier_than_recommended']);
    const at56 = evaluate([dose(D1, 'astrazeneca')], addDays(D1, 56), 'astrazeneca');
    expect(at56).toMatchObject({ allowed: true, seriesComplete: true, problems: [] });
  });

  it('still allows a late dose without restarting the series', () => {
    expect(evaluate([dose(D1, 'astrazeneca')], addDays(D1, 200), 'astrazeneca')).toMatchObject({ allowed: true, doseNumber: 2, problems: [] });
  });

  it('makes a too-early block overridable only within the grace days', () => {
    const short4 = evaluate([dose(D1, 'astrazeneca')], addDays(D1, 24), 'astrazeneca');
    expect(short4.problems[0]).toMatchObject({ code: 'too_early', overridable: true });
    const short5 = evaluate([dose(D1, 'astrazeneca')], addDays(D1, 23), 'astrazeneca');
    expect(short5.problems[0]).toMatchObject({ code: 'too_early', overridable: false });
    const strict = evaluateDose(
      { birthDate: ADULT, priorDoses: [dose(D1, 'astrazeneca')], proposed: { date: addDays(D1, 27), vaccine: 'astrazeneca' } },
      v1,
      { overridableEarlyDays: 0 },
    );
    expect(strict.problems[0]).toMatchObject({ code: 'too_early', overridable: false });
  });

  it.each(['astrazeneca', 'pfizer', 'moderna', 'verocell', 'sputnikv', 'hayatvax', 'abdala'])('%s: blocks a day before the minimum, allows on it', (code) => {
    const v = findVaccine(v1, code)!;
    const first = dose(D1, code, v.components?.[0]);
    const second = v.components?.[1];
    const early = evaluate([first], addDays(D1, v.minIntervalDays - 1), code, second ? { component: second } : {});
    expect(early.allowed).toBe(false);
    expect(codes(early)).toEqual(['too_early']);
    const onTime = evaluate([first], addDays(D1, v.minIntervalDays), code, second ? { component: second } : {});
    expect(onTime.allowed).toBe(true);
    expect(onTime.doseNumber).toBe(2);
  });

  it('blocks a second dose on the same day, judged by the Vietnamese calendar', () => {
    const e = evaluate([dose(D1, 'pfizer')], D1, 'pfizer');
    expect(e).toMatchObject({ allowed: false, doseNumber: 2 });
    // Blocked, and overridable with a reason (a failed injection repeated); the 0-day interval is not judged twice.
    expect(codes(e)).toEqual(['same_day_dose']);
    expect(e.problems.find((p) => p.code === 'same_day_dose')!.overridable).toBe(true);
    // Another hard problem the same day stays hard: Vero Cell may not follow Pfizer.
    expect(evaluate([dose(D1, 'pfizer')], D1, 'verocell').problems.find((p) => p.code === 'mixing_not_allowed')!.overridable).toBe(false);
    // 18:00 UTC on 30 June is 01:00 on 1 July in Viet Nam.
    const lateNight = evaluate([dose(new Date('2021-06-30T18:00:00Z'), 'janssen')], D1, 'janssen');
    expect(codes(lateNight)).toContain('same_day_dose');
  });

  it('numbers only the doses before the proposed one and warns of later records', () => {
    const e = evaluate([dose(addDays(D1, 60), 'astrazeneca')], D1, 'astrazeneca');
    expect(e).toMatchObject({ allowed: true, doseNumber: 1 });
    expect(e.problems).toMatchObject([{ code: 'later_doses_recorded', severity: 'warn' }]);
  });

  it('trusts a recorded dose number above the history (first dose unrecorded)', () => {
    const prior: DoseRecord[] = [{ date: isoDay('2021-08-01'), vaccine: 'astrazeneca', doseNumber: 2 }];
    const e = evaluate(prior, isoDay('2021-12-01'), 'pfizer');
    expect(e).toMatchObject({ doseNumber: 3, kind: 'booster', boosterNumber: 1, allowed: true });
  });
});

describe('boosters', () => {
  const primary = [dose(isoDay('2021-07-01'), 'astrazeneca'), dose(isoDay('2021-09-01'), 'astrazeneca')];

  it('blocks a booster before 3 months and allows it at 90 days', () => {
    const early = evaluate(primary, isoDay('2021-11-30'), 'pfizer'); // 90 days after 1 September
    expect(early).toMatchObject({ allowed: true, doseNumber: 3, kind: 'booster', boosterNumber: 1, catalogVersion: 2, problems: [] });
    const tooEarly = evaluate(primary, isoDay('2021-12-01'), 'pfizer', { priorDoses: [primary[0]!, dose(isoDay('2021-09-03'), 'astrazeneca')] });
    expect(tooEarly.allowed).toBe(false);
    expect(tooEarly.problems).toMatchObject([{ code: 'booster_too_early', details: { days: 89, minDays: 90 } }]);
  });

  it('encodes a booster after two doses as 3/3 (EU 2021/2301), a second one 4/4, and a booster after Janssen as 2/1', () => {
    const all = classifyDoses([...primary, dose(isoDay('2021-12-15'), 'moderna')], v2);
    expect(all.map((d) => [d.kind, d.doseNumber, d.boosterNumber])).toEqual([
      ['primary', 1, null],
      ['primary', 2, null],
      ['booster', 3, 1],
    ]);
    expect(euDoseEncoding(all[0]!, v2)).toMatchObject({ dn: 1, sd: 2, mp: 'EU/1/21/1529' });
    expect(euDoseEncoding(all[1]!, v2)).toMatchObject({ dn: 2, sd: 2 });
    expect(euDoseEncoding(all[2]!, v2)).toMatchObject({ dn: 3, sd: 3, mp: 'EU/1/20/1507' });
    expect(euDoseEncoding({ vaccine: 'pfizer', doseNumber: 4, seriesLength: 2, kind: 'booster' }, v2)).toMatchObject({ dn: 4, sd: 4 });
    expect(euDoseEncoding({ vaccine: 'pfizer', doseNumber: 2, seriesLength: 1, kind: 'booster' }, v2)).toMatchObject({ dn: 2, sd: 1 });
    expect(euDoseEncoding({ vaccine: 'moderna', doseNumber: 3, seriesLength: 1, kind: 'booster' }, v2)).toMatchObject({ dn: 3, sd: 1 });
    // Abdala's series is three doses: complete at 3/3, a booster after it 4/4.
    expect(euDoseEncoding({ vaccine: 'abdala', doseNumber: 3, seriesLength: 3, kind: 'primary' }, v2)).toMatchObject({ dn: 3, sd: 3 });
    expect(euDoseEncoding({ vaccine: 'pfizer', doseNumber: 4, seriesLength: 3, kind: 'booster' }, v2)).toMatchObject({ dn: 4, sd: 4 });
  });

  it('gives no encoding for an unknown product', () => {
    expect(euDoseEncoding({ vaccine: 'covaxin', doseNumber: 1, seriesLength: 2, kind: 'primary' }, v2)).toBeNull();
    expect(euDoseEncoding({ vaccine: 'pfizer', doseNumber: 2, seriesLength: null, kind: 'primary' }, v2)).toBeNull();
  });

  it('blocks boosters of products not allowed to boost', () => {
    const e = evaluate(primary, isoDay('2021-12-15'), 'verocell');
    expect(codes(e)).toEqual(['booster_product_not_allowed']);
    expect(e.allowed).toBe(false);
  });

  it('blocks a second booster while only one is allowed', () => {
    const e = evaluate([...primary, dose(isoDay('2021-12-01'), 'pfizer')], isoDay('2022-04-01'), 'pfizer');
    expect(e).toMatchObject({ doseNumber: 4, boosterNumber: 2, allowed: false });
    expect(codes(e)).toEqual(['booster_limit_reached']);
  });

  it('foresees no further booster once the limit is reached', () => {
    expect(evaluate(primary, isoDay('2021-12-15'), 'pfizer').nextDue).toBeNull();
    expect(evaluate([primary[0]!], isoDay('2021-12-15'), 'astrazeneca').nextDue?.earliest).toEqual(isoDay('2022-03-15'));
  });

  it('warns on a booster earlier than a recommended interval above the minimum', () => {
    const catalog = { ...v2, booster: { ...v2.booster!, recommendedIntervalDays: 180 } };
    const e = evaluateDose({ birthDate: ADULT, priorDoses: primary, proposed: { date: isoDay('2021-12-15'), vaccine: 'pfizer' } }, catalog);
    expect(e.allowed).toBe(true);
    expect(codes(e)).toEqual(['booster_earlier_than_recommended']);
  });

  it('applies the booster minimum age', () => {
    const e = evaluate([dose(isoDay('2021-10-01'), 'pfizer'), dose(isoDay('2021-10-22'), 'pfizer')], isoDay('2022-02-01'), 'pfizer', { birthDate: '2008-01-01' });
    expect(e.problems).toMatchObject([{ code: 'too_young', details: { age: 14, minAge: 18 }, en: 'Under 18, the minimum age for a booster' }]);
    expect(e.kind).toBe('booster');
  });
});

describe('ages', () => {
  it.each([
    ['2003-06-01', '2021-06-01', 'too_young'], // 18 today
    ['2002-06-02', '2021-06-01', 'too_young'], // 18, 19 tomorrow
    ['2002-06-01', '2021-06-01', null], // 19 today
    ['1956-06-02', '2021-06-01', null], // 64
    ['1955-06-02', '2021-06-01', null], // 65 until tomorrow
    ['1955-06-01', '2021-06-01', 'too_old'], // 66 today
    ['2002', '2021-06-01', null], // earliest possible birthday 1 January 2002: 19
    ['2002-07', '2021-06-30', 'too_young'], // earliest 1 July 2002: still 18
    ['2002-06', '2021-06-01', null], // earliest 1 June 2002: 19
    ['1955', '2021-01-01', 'too_old'], // earliest 1 January 1955: 66
  ])('Abdala for a person born %s on %s: %s', (birthDate, on, problemCode) => {
    const e = evaluate([], isoDay(on), 'abdala', { birthDate });
    expect(codes(e)).toEqual(problemCode ? [problemCode] : []);
    expect(e.allowed).toBe(problemCode === null);
  });

  it('accepts a parsed partial date and an age in years', () => {
    expect(evaluate([], isoDay('2021-06-01'), 'abdala', { birthDate: { year: 2002, month: 7, day: null } }).allowed).toBe(false);
    expect(evaluate([], isoDay('2021-06-01'), 'abdala', { birthDate: null, ageYears: 18 }).allowed).toBe(false);
    expect(evaluate([], isoDay('2021-06-01'), 'abdala', { birthDate: null, ageYears: 19 }).allowed).toBe(true);
  });

  it('judges age on the Vietnamese calendar day of the dose', () => {
    // 17:30 UTC on 31 May is 1 June in Viet Nam: the 19th birthday.
    const e = evaluateDose({ birthDate: '2002-06-01', priorDoses: [], proposed: { date: new Date('2021-05-31T17:30:00Z'), vaccine: 'abdala' } });
    expect(e.allowed).toBe(true);
  });

  it('blocks AstraZeneca under 18', () => {
    expect(codes(evaluate([], isoDay('2021-06-01'), 'astrazeneca', { birthDate: '2003-06-02' }))).toEqual(['too_young']);
    expect(codes(evaluate([], isoDay('2021-06-02'), 'astrazeneca', { birthDate: '2003-06-02' }))).toEqual([]);
  });

  it('warns when the age is unknown or the birth date unreadable', () => {
    const unknown = evaluate([], D1, 'pfizer', { birthDate: null });
    expect(unknown.allowed).toBe(true);
    expect(unknown.problems).toMatchObject([{ code: 'age_unknown', severity: 'warn', overridable: true }]);
    expect(codes(evaluate([], D1, 'pfizer', { birthDate: '31/12/1990' }))).toEqual(['birth_date_invalid', 'age_unknown']);
    expect(codes(evaluate([], D1, 'pfizer', { birthDate: '31/12/1990', ageYears: 30 }))).toEqual(['birth_date_invalid']);
  });
});

describe('catalog versions', () => {
  it('judges a dose of 2021-06-01 by version 1 even though version 2 exists', () => {
    const child = { birthDate: '2008-01-01' };
    const june = evaluate([], isoDay('2021-06-01'), 'pfizer', child);
    expect(june.catalogVersion).toBe(1);
    expect(codes(june)).toEqual(['too_young']);
    const december = evaluate([], isoDay('2021-12-15'), 'pfizer', child);
    expect(december).toMatchObject({ catalogVersion: 2, allowed: true });
  });

  it('uses the catalog passed in when there is one', () => {
    const e = evaluateDose({ birthDate: '2008-01-01', priorDoses: [], proposed: { date: isoDay('2021-06-01'), vaccine: 'pfizer' } }, v2);
    expect(e).toMatchObject({ catalogVersion: 2, allowed: true });
  });
});

describe('vaccination status', () => {
  const az = dose(isoDay('2021-07-01'), 'astrazeneca');
  const pf = dose(isoDay('2021-08-26'), 'pfizer');
  const boost = dose(isoDay('2021-12-01'), 'moderna');

  it('completes a mixed schedule at the series length of the first product', () => {
    expect(vaccinationStatus([pf, az, boost], v2, isoDay('2022-01-01'))).toEqual({
      dosesReceived: 3,
      primaryVaccine: 'astrazeneca',
      seriesLength: 2,
      primaryComplete: true,
      completedOn: isoDay('2021-08-26'),
      boosters: 1,
      lastDoseOn: isoDay('2021-12-01'),
    });
  });

  it('counts only the doses given by the day asked', () => {
    expect(vaccinationStatus([az, pf], v2, isoDay('2021-08-25'))).toMatchObject({ dosesReceived: 1, primaryComplete: false, completedOn: null, boosters: 0 });
    expect(vaccinationStatus([az, pf], v2, isoDay('2021-08-26'))).toMatchObject({ dosesReceived: 2, primaryComplete: true });
    expect(vaccinationStatus([], v2, isoDay('2021-08-26'))).toEqual({
      dosesReceived: 0,
      primaryVaccine: null,
      seriesLength: null,
      primaryComplete: false,
      completedOn: null,
      boosters: 0,
      lastDoseOn: null,
    });
  });

  it('never means "two doses": Abdala needs 3, Janssen 1', () => {
    const a = [dose(isoDay('2021-10-01'), 'abdala'), dose(isoDay('2021-10-15'), 'abdala')];
    expect(isFullyVaccinated(a, v2, isoDay('2021-12-01'))).toBe(false);
    expect(isFullyVaccinated([...a, dose(isoDay('2021-10-29'), 'abdala')], v2, isoDay('2021-12-01'))).toBe(true);
    expect(isFullyVaccinated([dose(isoDay('2021-10-01'), 'janssen')], v2, isoDay('2021-10-01'))).toBe(true);
    expect(isFullyVaccinated([az], v2, isoDay('2021-12-01'))).toBe(false);
  });

  it('expresses "2 doses and 14 days" with minDaysSinceCompletion', () => {
    expect(isFullyVaccinated([az, pf], v2, isoDay('2021-09-08'), { minDaysSinceCompletion: 14 })).toBe(false);
    expect(isFullyVaccinated([az, pf], v2, isoDay('2021-09-09'), { minDaysSinceCompletion: 14 })).toBe(true);
  });

  it('is not complete when the first product is unknown', () => {
    expect(vaccinationStatus([dose(isoDay('2021-07-01'), 'covaxin'), dose(isoDay('2021-08-01'), 'covaxin')], v2, isoDay('2022-01-01'))).toMatchObject({
      dosesReceived: 2,
      primaryComplete: false,
      seriesLength: null,
    });
  });
});
