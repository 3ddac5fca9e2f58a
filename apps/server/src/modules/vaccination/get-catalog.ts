import { catalogAt, CATALOG_VERSIONS } from '@sen/domain';
import type { Deps } from '../../context';
import { allCatalogVersions } from './catalog-store';

/** The vaccine catalog in force today and the list of all versions, from the stored versions (a national admin adds them). */
export async function getCatalog(deps: Pick<Deps, 'db'>, now: Date = new Date()) {
  const stored = await allCatalogVersions(deps.db);
  const versions = stored.length > 0 ? stored : CATALOG_VERSIONS;
  const current = catalogAt(now, versions);
  return {
    version: current.version, validFrom: current.validFrom, source: current.source,
    vaccines: current.vaccines.map((v) => ({ ...v, dcc: { ...v.dcc }, components: v.components ? [...v.components] : null })),
    mixedSchedules: current.mixedSchedules.map((m) => ({ first: m.first, then: [...m.then] })),
    booster: current.booster ? { ...current.booster, products: [...current.booster.products] } : null,
    versions: versions.map((v) => ({ version: v.version, validFrom: v.validFrom, source: v.source })),
  };
}
