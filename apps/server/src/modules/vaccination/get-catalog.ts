import { CATALOG_VERSIONS, catalogAt } from '@sen/domain';

/** The vaccine catalog in force today and the list of all versions, straight from the domain data (no table). */
export function getCatalog(now: Date = new Date()) {
  const current = catalogAt(now);
  return {
    version: current.version, validFrom: current.validFrom, source: current.source,
    vaccines: current.vaccines.map((v) => ({ ...v, dcc: { ...v.dcc }, components: v.components ? [...v.components] : null })),
    mixedSchedules: current.mixedSchedules.map((m) => ({ first: m.first, then: [...m.then] })),
    booster: current.booster ? { ...current.booster, products: [...current.booster.products] } : null,
    versions: CATALOG_VERSIONS.map((v) => ({ version: v.version, validFrom: v.validFrom, source: v.source })),
  };
}
