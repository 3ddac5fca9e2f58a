import { isoDay, vnDayNumber } from './calendar';

/**
 * The COVID-19 vaccines used in Viet Nam, as versioned data. Rules change with policy (mixing, boosters, ages),
 * and a dose must keep being judged by the rules in force the day it was given, so nothing here is a constant
 * the code relies on: callers pass a `CatalogVersion`, usually `catalogAt(doseDate)`.
 * Values marked (verify) in docs/DOMAIN.md come from secondary sources and are defaults to be confirmed.
 */

export type VaccinePlatform = 'viral_vector' | 'mrna' | 'inactivated' | 'protein_subunit';

/** EU Digital COVID Certificate value sets: medicinal product, marketing authorisation holder, vaccine type. */
export interface DccCodes {
  mp: string;
  ma: string;
  vp: string;
}

export interface VaccineDefinition {
  code: string;
  nameVi: string;
  nameEn: string;
  platform: VaccinePlatform;
  dcc: DccCodes;
  /** Doses in the primary series. */
  seriesDoses: number;
  /** Shortest interval between consecutive primary doses (days); shorter blocks. 0 for single-dose products. */
  minIntervalDays: number;
  /** Start of the recommended window; between the minimum and this a dose is allowed with a warning. */
  recommendedIntervalDays: number;
  /** End of the recommended window; later doses still count (a series is never restarted). */
  recommendedIntervalMaxDays: number;
  minAgeYears: number;
  maxAgeYears: number | null;
  /** Default only: the lot received says how many doses its vials hold. */
  defaultDosesPerVial: number;
  /** Component required at each primary dose (Sputnik V: I then II); null when all doses are the same. */
  components: readonly string[] | null;
}

/** After a first dose of `first`, later primary doses may be of these products. */
export interface MixedSchedule {
  first: string;
  then: readonly string[];
}

export interface BoosterRule {
  /** Days after the last dose (end of the primary series or the previous booster). */
  minIntervalDays: number;
  recommendedIntervalDays: number;
  products: readonly string[];
  minAgeYears: number;
  maxBoosters: number;
}

export interface CatalogVersion {
  version: number;
  /** First day (Viet Nam calendar, ISO) on which this version applies. */
  validFrom: string;
  source: string;
  vaccines: readonly VaccineDefinition[];
  mixedSchedules: readonly MixedSchedule[];
  /** null: no booster doses at all under this version. */
  booster: BoosterRule | null;
}

const ASTRAZENECA: VaccineDefinition = {
  code: 'astrazeneca',
  nameVi: 'AstraZeneca (Vaxzevria)',
  nameEn: 'AstraZeneca (Vaxzevria)',
  platform: 'viral_vector',
  dcc: { mp: 'EU/1/21/1529', ma: 'ORG-100001699', vp: '29061000087103' },
  seriesDoses: 2,
  // 8-12 weeks; 4 weeks allowed in hot spots, so 28 days is the hard minimum and 28-55 days warns.
  minIntervalDays: 28,
  recommendedIntervalDays: 56,
  recommendedIntervalMaxDays: 84,
  minAgeYears: 18,
  maxAgeYears: null,
  defaultDosesPerVial: 10,
  components: null,
};

const PFIZER: VaccineDefinition = {
  code: 'pfizer',
  nameVi: 'Pfizer-BioNTech (Comirnaty)',
  nameEn: 'Pfizer-BioNTech (Comirnaty)',
  platform: 'mrna',
  dcc: { mp: 'EU/1/20/1528', ma: 'ORG-100030215', vp: '1119349007' },
  seriesDoses: 2,
  minIntervalDays: 21, // 3-4 weeks (verify)
  recommendedIntervalDays: 21,
  recommendedIntervalMaxDays: 28,
  minAgeYears: 18,
  maxAgeYears: null,
  defaultDosesPerVial: 6,
  components: null,
};

const MODERNA: VaccineDefinition = {
  code: 'moderna',
  nameVi: 'Moderna (Spikevax)',
  nameEn: 'Moderna (Spikevax)',
  platform: 'mrna',
  dcc: { mp: 'EU/1/20/1507', ma: 'ORG-100031184', vp: '1119349007' },
  seriesDoses: 2,
  minIntervalDays: 28, // 4 weeks (verify)
  recommendedIntervalDays: 28,
  recommendedIntervalMaxDays: 28,
  minAgeYears: 18,
  maxAgeYears: null,
  defaultDosesPerVial: 10,
  components: null,
};

const VERO_CELL: VaccineDefinition = {
  code: 'verocell',
  nameVi: 'Vero Cell (Sinopharm)',
  nameEn: 'Vero Cell (Sinopharm BBIBP-CorV)',
  platform: 'inactivated',
  dcc: { mp: 'BBIBP-CorV', ma: 'ORG-100020693', vp: '1157024006' },
  seriesDoses: 2,
  minIntervalDays: 21, // 3-4 weeks (verify)
  recommendedIntervalDays: 21,
  recommendedIntervalMaxDays: 28,
  minAgeYears: 18,
  maxAgeYears: null,
  defaultDosesPerVial: 1, // single-dose and two-dose vials both exist
  components: null,
};

const SPUTNIK_V: VaccineDefinition = {
  code: 'sputnikv',
  nameVi: 'Sputnik V (Gam-COVID-Vac)',
  nameEn: 'Sputnik V (Gam-COVID-Vac)',
  platform: 'viral_vector',
  dcc: { mp: 'Sputnik-V', ma: 'Gamaleya-Research-Institute', vp: '29061000087103' },
  seriesDoses: 2,
  minIntervalDays: 21, // 3 weeks (verify)
  recommendedIntervalDays: 21,
  recommendedIntervalMaxDays: 21,
  minAgeYears: 18,
  maxAgeYears: null,
  defaultDosesPerVial: 5, // per component vial
  // Two different vectors (Ad26 then Ad5): the second dose must be component II.
  components: ['I', 'II'],
};

const JANSSEN: VaccineDefinition = {
  code: 'janssen',
  nameVi: 'Janssen (Johnson & Johnson)',
  nameEn: 'Janssen (Johnson & Johnson)',
  platform: 'viral_vector',
  dcc: { mp: 'EU/1/20/1525', ma: 'ORG-100001417', vp: '29061000087103' },
  seriesDoses: 1,
  minIntervalDays: 0,
  recommendedIntervalDays: 0,
  recommendedIntervalMaxDays: 0,
  minAgeYears: 18,
  maxAgeYears: null,
  defaultDosesPerVial: 5,
  components: null,
};

const HAYAT_VAX: VaccineDefinition = {
  code: 'hayatvax',
  nameVi: 'Hayat-Vax',
  nameEn: 'Hayat-Vax',
  platform: 'inactivated',
  dcc: { mp: 'Hayat-Vax', ma: 'ORG-100023050', vp: '1157024006' },
  seriesDoses: 2,
  minIntervalDays: 21, // 3-4 weeks (verify)
  recommendedIntervalDays: 21,
  recommendedIntervalMaxDays: 28,
  minAgeYears: 18,
  maxAgeYears: null,
  defaultDosesPerVial: 1,
  components: null,
};

const ABDALA: VaccineDefinition = {
  code: 'abdala',
  nameVi: 'Abdala',
  nameEn: 'Abdala (CIGB-66)',
  platform: 'protein_subunit',
  dcc: { mp: 'Abdala', ma: 'CIGB', vp: '28531000087107' },
  seriesDoses: 3,
  minIntervalDays: 14,
  recommendedIntervalDays: 14,
  recommendedIntervalMaxDays: 14,
  minAgeYears: 19,
  maxAgeYears: 65,
  defaultDosesPerVial: 10,
  components: null,
};

// Mixing allowed by Vietnamese guidance in 2021 (verify): AstraZeneca then an mRNA vaccine, Vero Cell then
// Pfizer or AstraZeneca. Anything else (e.g. AstraZeneca then Vero Cell) is refused.
const MIXED_2021: readonly MixedSchedule[] = [
  { first: 'astrazeneca', then: ['pfizer', 'moderna'] },
  { first: 'verocell', then: ['pfizer', 'astrazeneca'] },
];

/**
 * Version 1: the start of the national campaign on 8 March 2021. No boosters. Every product that was used in
 * 2021 is listed so doses recorded late (backfill) are judged by the same table.
 */
const V1: CatalogVersion = {
  version: 1,
  validFrom: '2021-03-08',
  source: 'Campaign start 2021-03-08; product data per docs/DOMAIN.md (intervals marked verify)',
  vaccines: [ASTRAZENECA, PFIZER, MODERNA, VERO_CELL, SPUTNIK_V, JANSSEN, HAYAT_VAX, ABDALA],
  mixedSchedules: MIXED_2021,
  booster: null,
};

/**
 * Version 2: boosters (mRNA or AstraZeneca, 3 months after the last dose, one booster) and Pfizer from age 12,
 * as the Ministry of Health allowed from late 2021 (verify: date, interval and ages are secondary-source).
 */
const V2: CatalogVersion = {
  version: 2,
  validFrom: '2021-11-30',
  source: 'Ministry of Health booster guidance, late November 2021 (verify)',
  vaccines: [ASTRAZENECA, { ...PFIZER, minAgeYears: 12 }, MODERNA, VERO_CELL, SPUTNIK_V, JANSSEN, HAYAT_VAX, ABDALA],
  mixedSchedules: MIXED_2021,
  booster: {
    minIntervalDays: 90, // 3 months (verify)
    recommendedIntervalDays: 90,
    products: ['pfizer', 'moderna', 'astrazeneca'],
    minAgeYears: 18,
    maxBoosters: 1,
  },
};

export const CATALOG_VERSIONS: readonly CatalogVersion[] = [V1, V2];

/**
 * The version in force on a date (Viet Nam calendar). A date before the first version gets the first version:
 * doses given abroad before the campaign are recorded by the same table.
 */
export function catalogAt(date: Date, versions: readonly CatalogVersion[] = CATALOG_VERSIONS): CatalogVersion {
  const day = vnDayNumber(date);
  const sorted = [...versions].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  const first = sorted[0];
  if (!first) throw new Error('catalogAt: no catalog versions'); // a programming error, not an input error
  let found = first;
  for (const v of sorted) if (vnDayNumber(isoDay(v.validFrom)) <= day) found = v;
  return found;
}

export function findVaccine(catalog: CatalogVersion, code: string): VaccineDefinition | undefined {
  return catalog.vaccines.find((v) => v.code === code);
}

/** Whether a dose of `next` may follow a first dose of `first` within the primary series. */
export function mixingAllowed(catalog: CatalogVersion, first: string, next: string): boolean {
  if (first === next) return true;
  return catalog.mixedSchedules.some((m) => m.first === first && m.then.includes(next));
}
