import { sql } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { findLotFor, LOT_DOSE_COLUMNS, lotDoseCells, lotDoseRows, lotDosesQuery } from './lot-doses';
import { csvHead, csvLine } from './table';

/**
 * Doses read per statement. Each chunk is one short keyset query, so other requests (on the embedded database, the
 * one connection) run between chunks and no transaction stays open while a slow client downloads.
 */
export const LOT_EXPORT_CHUNK = 5_000;

export interface LotDosesExport {
  fileName: string;
  /** Rows the file holds (the audited count). */
  rows: number;
  /** The CSV: the byte order mark and header, then one piece per chunk read. */
  csv: AsyncIterable<string>;
}

/**
 * A recall's full call list: every dose given from a lot that the caller may see (as lotDoses), as one CSV read
 * from the database chunk by chunk in dose id order on the doses_lot_id index (lot_id, id), never all in memory.
 * The export is of the doses stored when it starts (ids up to the last one then), so the count is known before the
 * first byte: one audit row names the lot and that count, written before anything is sent.
 */
export async function exportLotDoses(deps: Deps, ctx: RequestContext, lotId: string, options: { chunkSize?: number } = {}): Promise<LotDosesExport> {
  const chunkSize = options.chunkSize ?? LOT_EXPORT_CHUNK;
  const lot = await findLotFor(deps.db, ctx, lotId);
  const last = (await lotDosesQuery(deps.db, ctx, lotId).select('d.id').orderBy('d.id', 'desc').limit(1).executeTakeFirst())?.id ?? null;
  const rows = last === null ? 0 : (await lotDosesQuery(deps.db, ctx, lotId).select(sql<number>`count(*)::int`.as('n')).where('d.id', '<=', last).executeTakeFirstOrThrow()).n;
  await recordAudit(deps.db, ctx, { action: 'lot.export_people', entityType: 'vaccine_lot', entityId: lotId, details: { rows, lastDoseId: last } });

  async function* csv(): AsyncGenerator<string> {
    yield csvHead(LOT_DOSE_COLUMNS);
    let after: string | null = null;
    while (last !== null) {
      let q = lotDoseRows(deps.db, ctx, lotId).where('d.id', '<=', last).limit(chunkSize);
      if (after !== null) q = q.where('d.id', '>', after);
      const chunk = await q.execute();
      if (chunk.length > 0) yield chunk.map((r) => csvLine(LOT_DOSE_COLUMNS, lotDoseCells(r))).join('');
      if (chunk.length < chunkSize) return;
      after = chunk.at(-1)!.id;
    }
  }
  return { fileName: `sen-lot-doses-${lot.lot_number.replace(/[^\w.-]/g, '_')}.csv`, rows, csv: csv() };
}
