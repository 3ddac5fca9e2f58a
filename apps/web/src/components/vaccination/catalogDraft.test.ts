import { describe, expect, it } from 'vitest';
import { CATALOG_VERSIONS } from '@sen/domain';
import { blankVaccine, changesFrom, draftFrom, latestVersion } from './catalogDraft';

const [v1, v2] = CATALOG_VERSIONS;

describe('catalog draft', () => {
  it('builds on the version that starts last, whatever the order given', () => {
    expect(latestVersion([v2!, v1!])?.version).toBe(v2!.version);
    expect(latestVersion([])).toBeUndefined();
  });

  it('sends only the day and source when nothing was edited', () => {
    const draft = draftFrom(v2!, '2030-01-01');
    draft.source = '  Quyết định 1234/QĐ-BYT ';
    expect(changesFrom(v2!, draft)).toEqual({ validFrom: '2030-01-01', source: 'Quyết định 1234/QĐ-BYT' });
  });

  it('sends the changed fields of a vaccine by code, and never edits the version it copied', () => {
    const draft = draftFrom(v2!, '2030-01-01');
    const pfizer = draft.vaccines.find((x) => x.code === 'pfizer')!;
    pfizer.minAgeYears = 5;
    pfizer.dcc.ma = 'ORG-1';
    const sputnik = draft.vaccines.find((x) => x.code === 'sputnikv')!;
    sputnik.components = ['I', 'II']; // the same values in a new array: not a change
    expect(changesFrom(v2!, draft).vaccineChanges).toEqual([{ code: 'pfizer', minAgeYears: 5, dcc: { ...v2!.vaccines.find((x) => x.code === 'pfizer')!.dcc, ma: 'ORG-1' } }]);
    expect(v2!.vaccines.find((x) => x.code === 'pfizer')!.minAgeYears).toBe(12);
  });

  it('adds new vaccines apart, and replaces mixing and boosters only when they differ', () => {
    const draft = draftFrom(v1!, '2030-01-01');
    const added = { ...blankVaccine(), code: 'novavax', nameVi: 'Novavax', nameEn: 'Novavax', dcc: { mp: 'EU/1/21/1618', ma: 'ORG-100032020', vp: '1119305005' } };
    draft.vaccines.push(added);
    draft.mixedSchedules.push({ first: 'novavax', then: ['pfizer'] });
    draft.booster = { minIntervalDays: 90, recommendedIntervalDays: 120, products: ['pfizer'], minAgeYears: 18, maxBoosters: 1 };
    const input = changesFrom(v1!, draft);
    expect(input.addVaccines).toEqual([added]);
    expect(input.vaccineChanges).toBeUndefined();
    expect(input.mixedSchedules).toEqual([...v1!.mixedSchedules, { first: 'novavax', then: ['pfizer'] }]);
    expect(input.booster).toEqual(draft.booster);
    // Turning boosters off is a change too (null), unlike leaving them as they were (absent).
    const off = draftFrom(v2!, '2030-01-01');
    off.booster = null;
    expect(changesFrom(v2!, off)).toHaveProperty('booster', null);
    expect(changesFrom(v2!, draftFrom(v2!, '2030-01-01'))).not.toHaveProperty('booster');
  });
});
