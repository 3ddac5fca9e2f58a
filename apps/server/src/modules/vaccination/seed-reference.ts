import type { Database } from '@sen/db';
import { seedCatalogVersions } from './catalog-store';
import { seedPriorityGroups } from './priority-groups-seed';

/** Reference data of the vaccination targets part, written at start when missing (never overwriting edits). */
export async function seedVaccinationReference(db: Database): Promise<void> {
  await seedCatalogVersions(db);
  await seedPriorityGroups(db);
}
