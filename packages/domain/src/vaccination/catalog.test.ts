import { describe, expect, it } from 'vitest';
import { CATALOG_VERSIONS, catalogAt, findVaccine, mixingAllowed, type CatalogVersion } from './catalog';

const v1 = CATALOG_VERSIONS[0]!;
const v2 = CATALOG_VERSIONS[1]!;

describe('vaccine catalog', () => {
  it('lists the 8 vaccines used in Viet Nam in every version, each code once', () => {
    for (const version of CATALOG_VERSIONS) {
      const codes = version.vaccines.map((v) => v.code);
      expect(codes.sort()).toEqual(['abdala', 'astrazeneca', 'hayatvax', 'janssen', 'moderna', 'pfizer', 'sputnikv', 'verocell']);
    }
  });

  // Exactly the EU DCC codes of docs/DOMAIN.md.
  it.each([
    ['astrazeneca', 'EU/1/21/1529', 'ORG-100001699', '29061000087103', 2],
    ['pfizer', 'EU/1/20/1528', 'ORG-100030215', '1119349007', 2],
    ['moderna', 'EU/1/20/1507', 'ORG-100031184', '1119349007', 2],
    ['verocell', 'BBIBP-CorV', 'ORG-100020693', '1157024006', 2],
    ['sputnikv', 'Sputnik-V', 'Gamaleya-Research-Institute', '29061000087103', 2],
    ['janssen', 'EU/1/20/1525', 'ORG-100001417', '29061000087103', 1],
    ['hayatvax', 'Hayat-Vax', 'ORG-100023050', '1157024006', 2],
    ['abdala', 'Abdala', 'CIGB', '28531000087107', 3],
  ])('%s has mp %s, ma %s, vp %s and %i doses', (code, mp, ma, vp, doses) => {
    for (const version of CATALOG_VERSIONS) {
      const v = findVaccine(version, code)!;
      expect(v.dcc).toEqual({ mp, ma, vp });
      expect(v.seriesDoses).toBe(doses);
      expect(v.nameVi).not.toBe('');
      expect(v.nameEn).not.toBe('');
    }
  });

  it.each([
    ['astrazeneca', 28, 56, 84, 10],
    ['pfizer', 21, 21, 28, 6],
    ['moderna', 28, 28, 28, 10],
    ['verocell', 21, 21, 28, 1],
    ['sputnikv', 21, 21, 21, 5],
    ['hayatvax', 21, 21, 28, 1],
    ['abdala', 14, 14, 14, 10],
    ['janssen', 0, 0, 0, 5],
  ])('%s: interval min %i, recommended %i-%i days; %i doses per vial by default', (code, min, rec, recMax, perVial) => {
    const v = findVaccine(v1, code)!;
    expect([v.minIntervalDays, v.recommendedIntervalDays, v.recommendedIntervalMaxDays, v.defaultDosesPerVial]).toEqual([min, rec, recMax, perVial]);
    expect(v.minIntervalDays).toBeLessThanOrEqual(v.recommendedIntervalDays);
    expect(v.recommendedIntervalDays).toBeLessThanOrEqual(v.recommendedIntervalMaxDays);
  });

  it('keeps age limits as data: Abdala 19-65, Pfizer from 12 only from version 2, others 18+', () => {
    expect([findVaccine(v1, 'abdala')!.minAgeYears, findVaccine(v1, 'abdala')!.maxAgeYears]).toEqual([19, 65]);
    expect(findVaccine(v1, 'pfizer')!.minAgeYears).toBe(18);
    expect(findVaccine(v2, 'pfizer')!.minAgeYears).toBe(12);
    for (const code of ['astrazeneca', 'moderna', 'verocell', 'sputnikv', 'janssen', 'hayatvax']) {
      expect(findVaccine(v2, code)!.minAgeYears).toBe(18);
      expect(findVaccine(v2, code)!.maxAgeYears).toBeNull();
    }
  });

  it('gives Sputnik V its two components and no other product any', () => {
    expect(findVaccine(v1, 'sputnikv')!.components).toEqual(['I', 'II']);
    expect(v1.vaccines.filter((v) => v.components !== null).map((v) => v.code)).toEqual(['sputnikv']);
  });

  it('refers only to known products in mixed schedules and booster rules', () => {
    for (const version of CATALOG_VERSIONS) {
      const codes = new Set(version.vaccines.map((v) => v.code));
      for (const m of version.mixedSchedules) for (const c of [m.first, ...m.then]) expect(codes.has(c)).toBe(true);
      for (const c of version.booster?.products ?? []) expect(codes.has(c)).toBe(true);
      expect(version.validFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(new Date(version.validFrom).getTime())).toBe(false);
    }
  });

  it('has no boosters in version 1 and mRNA or AstraZeneca boosters after 90 days in version 2', () => {
    expect(v1.booster).toBeNull();
    expect(v2.booster).toMatchObject({ minIntervalDays: 90, maxBoosters: 1 });
    expect([...v2.booster!.products].sort()).toEqual(['astrazeneca', 'moderna', 'pfizer']);
  });

  it('allows only the listed mixed schedules', () => {
    expect(mixingAllowed(v1, 'astrazeneca', 'pfizer')).toBe(true);
    expect(mixingAllowed(v1, 'astrazeneca', 'moderna')).toBe(true);
    expect(mixingAllowed(v1, 'verocell', 'pfizer')).toBe(true);
    expect(mixingAllowed(v1, 'verocell', 'astrazeneca')).toBe(true);
    expect(mixingAllowed(v1, 'astrazeneca', 'verocell')).toBe(false);
    expect(mixingAllowed(v1, 'pfizer', 'astrazeneca')).toBe(false);
    expect(mixingAllowed(v1, 'sputnikv', 'pfizer')).toBe(false);
    expect(mixingAllowed(v1, 'abdala', 'abdala')).toBe(true);
  });
});

describe('catalogAt', () => {
  it('returns the version in force on a day', () => {
    expect(catalogAt(new Date('2021-03-08T00:00:00Z')).version).toBe(1);
    expect(catalogAt(new Date('2021-06-01T00:00:00Z')).version).toBe(1);
    expect(catalogAt(new Date('2021-11-29T00:00:00Z')).version).toBe(1);
    expect(catalogAt(new Date('2021-11-30T00:00:00Z')).version).toBe(2);
    expect(catalogAt(new Date('2025-01-01T00:00:00Z')).version).toBe(2);
  });

  it('uses the Vietnamese calendar day', () => {
    expect(catalogAt(new Date('2021-11-29T16:59:00Z')).version).toBe(1);
    expect(catalogAt(new Date('2021-11-29T17:00:00Z')).version).toBe(2);
  });

  it('judges doses before the campaign by the first version', () => {
    expect(catalogAt(new Date('2020-12-01T00:00:00Z')).version).toBe(1);
  });

  it('accepts other version lists in any order', () => {
    const versions: CatalogVersion[] = [
      { ...v1, version: 9, validFrom: '2022-01-01' },
      { ...v1, version: 7, validFrom: '2021-01-01' },
    ];
    expect(catalogAt(new Date('2021-06-01T00:00:00Z'), versions).version).toBe(7);
    expect(catalogAt(new Date('2022-01-01T00:00:00Z'), versions).version).toBe(9);
  });
});
