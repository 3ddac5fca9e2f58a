import type { BoosterRule, CatalogVersion, CatalogVersionInput, MixedSchedule, VaccineDefinition } from './vaccinationApi';

/**
 * A new catalog version is edited as a whole copy of the latest one; the server takes only what changed (field
 * changes per vaccine, vaccines added, the mixing list and the booster rule when they differ). This turns one into
 * the other.
 */
export interface CatalogDraft {
  validFrom: string;
  source: string;
  vaccines: VaccineDefinition[];
  mixedSchedules: MixedSchedule[];
  booster: BoosterRule | null;
}

/** The version the server builds on: the one starting last (usually the one in force). */
export function latestVersion(versions: readonly CatalogVersion[]): CatalogVersion | undefined {
  return [...versions].sort((a, b) => a.validFrom.localeCompare(b.validFrom)).at(-1);
}

/** A deep, editable copy (arrays and nested codes are copied, so editing never touches the cached version). */
export function draftFrom(latest: CatalogVersion, validFrom: string): CatalogDraft {
  return {
    validFrom,
    source: '',
    vaccines: latest.vaccines.map((x) => ({ ...x, dcc: { ...x.dcc }, components: x.components ? [...x.components] : null })),
    mixedSchedules: latest.mixedSchedules.map((m) => ({ first: m.first, then: [...m.then] })),
    booster: latest.booster ? { ...latest.booster, products: [...latest.booster.products] } : null,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The request for the server: only what differs from `latest`. */
export function changesFrom(latest: CatalogVersion, draft: CatalogDraft): CatalogVersionInput {
  const before = new Map(latest.vaccines.map((x) => [x.code, x]));
  const vaccineChanges: NonNullable<CatalogVersionInput['vaccineChanges']> = [];
  const addVaccines: VaccineDefinition[] = [];
  for (const vaccine of draft.vaccines) {
    const old = before.get(vaccine.code);
    // A code seen twice is an addition the second time (the server then names the repeated code).
    before.delete(vaccine.code);
    if (!old) {
      addVaccines.push(vaccine);
      continue;
    }
    const changed = (Object.keys(vaccine) as (keyof VaccineDefinition)[]).filter((k) => k !== 'code' && !same(vaccine[k], old[k]));
    if (changed.length > 0) vaccineChanges.push({ code: vaccine.code, ...Object.fromEntries(changed.map((k) => [k, vaccine[k]])) });
  }
  return {
    validFrom: draft.validFrom,
    source: draft.source.trim(),
    ...(vaccineChanges.length > 0 ? { vaccineChanges } : {}),
    ...(addVaccines.length > 0 ? { addVaccines } : {}),
    ...(same(draft.mixedSchedules, latest.mixedSchedules) ? {} : { mixedSchedules: draft.mixedSchedules }),
    ...(same(draft.booster, latest.booster) ? {} : { booster: draft.booster }),
  };
}

/** A vaccine new to the catalog, to be filled in. */
export function blankVaccine(): VaccineDefinition {
  return {
    code: '',
    nameVi: '',
    nameEn: '',
    platform: 'inactivated',
    dcc: { mp: '', ma: '', vp: '' },
    seriesDoses: 2,
    minIntervalDays: 21,
    recommendedIntervalDays: 21,
    recommendedIntervalMaxDays: 28,
    minAgeYears: 18,
    maxAgeYears: null,
    defaultDosesPerVial: 10,
    components: null,
  };
}
