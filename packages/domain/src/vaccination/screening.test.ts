import { describe, expect, it } from 'vitest';
import { isoDay } from './calendar';
import { SCREENING_RULE_SETS, screen, screeningRuleSetAt, type ScreeningInput, type ScreeningRuleSet, type VitalName } from './screening';

const ON = isoDay('2021-08-01');
const NORMAL = { temperatureC: 36.8, pulse: 80, systolic: 120, diastolic: 80, respiratoryRate: 18 };
const base = (extra: Partial<ScreeningInput> = {}): ScreeningInput => ({ on: ON, vitals: { ...NORMAL }, ...extra });
const withVital = (name: VitalName, value: number) => base({ vitals: { ...NORMAL, [name]: value } });
const rules = SCREENING_RULE_SETS[0]!;

describe('screening outcomes', () => {
  it('finds a healthy adult eligible and names the rule set', () => {
    expect(screen(base())).toEqual({ outcome: 'eligible', reasons: [], ruleSetVersion: 'byt-3445-2021' });
  });

  it.each([
    ['temperatureC', 37.5, 37.6],
    ['temperatureC', 35.5, 35.4],
    ['pulse', 100, 101],
    ['pulse', 60, 59],
    ['systolic', 140, 141],
    ['systolic', 90, 89],
    ['diastolic', 90, 91],
    ['diastolic', 60, 59],
    ['respiratoryRate', 25, 26],
  ] as const)('%s %d is normal, %d means caution', (name, normal, abnormal) => {
    expect(screen(withVital(name, normal)).outcome).toBe('eligible');
    const r = screen(withVital(name, abnormal));
    expect(r.outcome).toBe('caution');
    expect(r.reasons.map((x) => x.code)).toEqual([`abnormal_${name}`]);
  });

  it('has no lower bound on breathing', () => {
    expect(screen(withVital('respiratoryRate', 8)).outcome).toBe('eligible');
  });

  it('skips vitals not measured', () => {
    expect(screen({ on: ON, vitals: { temperatureC: 36.5, pulse: null } }).outcome).toBe('eligible');
  });

  it.each([
    [{ allergyToVaccine: true }, 'contraindicated', 'allergy_to_vaccine'],
    [{ anaphylaxisToPriorDose: true }, 'contraindicated', 'anaphylaxis_prior_dose'],
    [{ acuteIllness: true }, 'defer', 'acute_illness'],
    [{ chronicDiseaseUncontrolled: true }, 'defer', 'chronic_disease_uncontrolled'],
    [{ pregnancyWeeks: 12 }, 'defer', 'pregnancy_early'],
    [{ pregnancyWeeks: 0 }, 'defer', 'pregnancy_early'],
    [{ pregnancyWeeks: 13 }, 'caution', 'pregnancy'],
    [{ pregnancyWeeks: 38 }, 'caution', 'pregnancy'],
    [{ allergyHistory: true }, 'caution', 'allergy_history'],
    [{ chronicDisease: true }, 'caution', 'chronic_disease'],
    [{ immunosuppressed: true }, 'caution', 'immunosuppressed'],
  ] as const)('%j gives %s', (extra, outcome, code) => {
    const r = screen(base(extra));
    expect(r.outcome).toBe(outcome);
    expect(r.reasons.map((x) => x.code)).toEqual([code]);
    expect(r.reasons[0]!.outcome).toBe(outcome);
    expect(r.reasons[0]!.vi).not.toBe('');
    expect(r.reasons[0]!.en).not.toBe('');
  });

  it('treats false answers and no pregnancy as nothing to report', () => {
    const r = screen(base({ allergyToVaccine: false, acuteIllness: false, allergyHistory: false, pregnancyWeeks: null, lastCovidOn: null }));
    expect(r).toMatchObject({ outcome: 'eligible', reasons: [] });
  });

  it('defers within 6 months of COVID-19 and not from the day 6 months later', () => {
    const covid = isoDay('2021-02-01');
    expect(screen(base({ lastCovidOn: covid, on: isoDay('2021-07-31') })).outcome).toBe('defer');
    expect(screen(base({ lastCovidOn: covid, on: isoDay('2021-08-01') })).outcome).toBe('eligible');
    expect(screen(base({ lastCovidOn: ON })).reasons.map((r) => r.code)).toEqual(['recent_covid']);
  });

  it('lets the most severe finding win and keeps every reason', () => {
    const all = screen(base({ allergyHistory: true, acuteIllness: true, allergyToVaccine: true, vitals: { ...NORMAL, temperatureC: 38 } }));
    expect(all.outcome).toBe('contraindicated');
    expect(all.reasons.map((r) => r.code).sort()).toEqual(['abnormal_temperatureC', 'acute_illness', 'allergy_history', 'allergy_to_vaccine']);
    expect(screen(base({ chronicDisease: true, pregnancyWeeks: 8 })).outcome).toBe('defer');
    expect(screen(base({ chronicDisease: true, immunosuppressed: true })).outcome).toBe('caution');
    expect(screen(base({ anaphylaxisToPriorDose: true, lastCovidOn: ON })).outcome).toBe('contraindicated');
  });
});

describe('invalid input', () => {
  it.each([
    ['temperatureC', 29.9],
    ['temperatureC', 45.1],
    ['temperatureC', Number.NaN],
    ['pulse', 19],
    ['pulse', 251],
    ['systolic', 300],
    ['diastolic', 10],
    ['respiratoryRate', 0],
    ['respiratoryRate', Number.POSITIVE_INFINITY],
  ] as const)('names vitals.%s when it is %d', (name, value) => {
    const r = screen(withVital(name, value));
    expect(r.outcome).toBe('invalid');
    if (r.outcome !== 'invalid') return;
    expect(r.invalidFields.map((f) => f.field)).toEqual([`vitals.${name}`]);
    expect(r.reasons).toEqual([]);
    expect(r.ruleSetVersion).toBe('byt-3445-2021');
  });

  it('accepts the ends of the plausible temperature range (and flags them as abnormal)', () => {
    expect(screen(withVital('temperatureC', 30)).outcome).toBe('caution');
    expect(screen(withVital('temperatureC', 45)).outcome).toBe('caution');
  });

  it('names every invalid field at once', () => {
    const r = screen(base({ vitals: { temperatureC: 50, pulse: 500 }, pregnancyWeeks: -1 }));
    expect(r.outcome).toBe('invalid');
    if (r.outcome === 'invalid') expect(r.invalidFields.map((f) => f.field)).toEqual(['vitals.temperatureC', 'vitals.pulse', 'pregnancyWeeks']);
  });

  it('refuses a diastolic pressure not below the systolic one', () => {
    const r = screen(base({ vitals: { ...NORMAL, systolic: 100, diastolic: 100 } }));
    expect(r.outcome).toBe('invalid');
    if (r.outcome === 'invalid') expect(r.invalidFields[0]!.field).toBe('vitals.diastolic');
  });

  it('refuses impossible pregnancy weeks and a COVID-19 date after the screening', () => {
    expect(screen(base({ pregnancyWeeks: 46 })).outcome).toBe('invalid');
    expect(screen(base({ pregnancyWeeks: 45 })).outcome).toBe('caution');
    const future = screen(base({ lastCovidOn: isoDay('2021-08-02') }));
    expect(future.outcome).toBe('invalid');
    if (future.outcome === 'invalid') expect(future.invalidFields.map((f) => f.field)).toEqual(['lastCovidOn']);
    expect(screen(base({ on: new Date(Number.NaN) })).outcome).toBe('invalid');
  });
});

describe('rule sets as data', () => {
  it('picks the rule set in force, or the first one before any', () => {
    expect(screeningRuleSetAt(ON).version).toBe('byt-3445-2021');
    expect(screeningRuleSetAt(isoDay('2021-03-08')).version).toBe('byt-3445-2021');
    const later: ScreeningRuleSet = { ...rules, version: 'later', validFrom: '2022-01-01' };
    expect(screeningRuleSetAt(isoDay('2021-12-31'), [later, rules]).version).toBe('byt-3445-2021');
    expect(screeningRuleSetAt(isoDay('2022-01-01'), [later, rules]).version).toBe('later');
  });

  it('decides by the thresholds of the rule set given', () => {
    const lenient: ScreeningRuleSet = {
      ...rules,
      version: 'lenient',
      normalVitals: { ...rules.normalVitals, temperatureC: { low: 35, high: 38 } },
      covidDeferralMonths: 3,
      pregnancyDeferBelowWeeks: 10,
    };
    expect(screen(withVital('temperatureC', 37.8), lenient)).toEqual({ outcome: 'eligible', reasons: [], ruleSetVersion: 'lenient' });
    expect(screen(base({ lastCovidOn: isoDay('2021-05-01') }), lenient).outcome).toBe('eligible');
    expect(screen(base({ lastCovidOn: isoDay('2021-05-02') }), lenient).outcome).toBe('defer');
    expect(screen(base({ pregnancyWeeks: 10 }), lenient).outcome).toBe('caution');
  });
});
