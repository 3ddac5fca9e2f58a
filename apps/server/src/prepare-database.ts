import { migrate, type Connection } from '@sen/db';
import { seedRoles } from './modules/access/seed-roles';
import { loadGazetteer, type GazetteerId } from './modules/areas/load-gazetteer';
import { seedVaccinationReference } from './modules/vaccination/seed-reference';
import { seedRuleSets } from './modules/certificates/rule-set-store';

/** Brings a database up to date: migrations, then the reference data every installation has (roles, areas). */
export async function prepareDatabase(conn: Connection, gazetteer: GazetteerId, log?: (line: string) => void): Promise<void> {
  await migrate(conn.pool, log ? { log } : {});
  await seedRoles(conn.db);
  await seedVaccinationReference(conn.db);
  await seedRuleSets(conn.db);
  await loadGazetteer(conn.db, gazetteer);
}
