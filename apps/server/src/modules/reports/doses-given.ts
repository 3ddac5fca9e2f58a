import type { Database } from '@sen/db';
import { readCounts } from './counts';
import type { AreaRef } from './filters';

/**
 * Primary doses of one vaccine given in each of these areas (where given) from the start up to a day, from the
 * rollups (never a scan of doses): what allocation plans subtract from an area's need. Areas may nest.
 */
export async function primaryDosesGiven(db: Database, areas: readonly AreaRef[], vaccine: string, until: string): Promise<Map<string, number>> {
  const rows = await readCounts(db, {
    metric: 'doses', scope: { roots: [...areas], from: until, to: until, vaccine }, areas: 'root', groups: [], period: 'until', where: { dim1: vaccine, dim2: 'primary' },
  });
  return new Map(rows.map((r) => [r.area_path, r.n]));
}
