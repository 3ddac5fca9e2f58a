import { sql } from '@sen/db';
import type { z } from 'zod';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import type { RunView } from './read-run';
import type { TraceVenueOut } from './schemas';
import { loadRunFor } from './tracing-access';

type TraceVenue = z.infer<typeof TraceVenueOut>;

/**
 * The venues of a run, for the map: each with its point when the venue has one (else the map places it by its
 * province), its commune and province, how often the index person was there and how many contacts they met there.
 * Audited with the run's reason.
 */
export async function traceVenues(deps: Pick<Deps, 'db'>, ctx: RequestContext, runId: string): Promise<{ runId: string; items: TraceVenue[] }> {
  const run = await loadRunFor(deps.db, ctx, runId, 'read');
  const visits = run.visits as unknown as RunView['visits'];
  const byVenue = new Map<string, { visits: number; first: string; last: string; contacts: number }>();
  for (const v of visits) {
    const s = byVenue.get(v.venueId);
    if (!s) byVenue.set(v.venueId, { visits: 1, first: v.start, last: v.start, contacts: v.contacts });
    else {
      s.visits += 1;
      s.contacts += v.contacts;
      if (v.start < s.first) s.first = v.start;
      if (v.start > s.last) s.last = v.start;
    }
  }
  const ids = [...byVenue.keys()];
  const rows = ids.length
    ? (await sql<{ id: string; name: string; type: string; commune_code: string; latitude: number | null; longitude: number | null; commune_name: string | null; province_code: string | null; province_name: string | null }>`
        SELECT v.id, v.name, v.type, v.commune_code, v.latitude, v.longitude, a.full_name AS commune_name, p.code AS province_code, p.full_name AS province_name
          FROM venues v
          LEFT JOIN areas a ON a.code = v.commune_code
          LEFT JOIN areas p ON p.path = subpath(a.path, 0, 2) AND nlevel(a.path) >= 2
         WHERE v.id = ANY(${ids}::uuid[])`.execute(deps.db)).rows
    : [];
  const info = new Map(rows.map((r) => [r.id, r]));
  await recordAudit(deps.db, ctx, { action: 'tracing.venues.read', entityType: 'trace_run', entityId: run.id, areaPath: run.area_path, details: { reason: run.reason, venues: ids.length } });
  const items = ids.map((id) => {
    const s = byVenue.get(id)!;
    const r = info.get(id);
    return {
      venueId: id, name: r?.name ?? null, type: r?.type ?? null, communeCode: r?.commune_code ?? null, communeName: r?.commune_name ?? null,
      provinceCode: r?.province_code ?? null, provinceName: r?.province_name ?? null, latitude: r?.latitude ?? null, longitude: r?.longitude ?? null,
      visits: s.visits, firstVisit: s.first, lastVisit: s.last, contacts: s.contacts,
    };
  });
  items.sort((a, b) => (a.firstVisit < b.firstVisit ? -1 : a.firstVisit > b.firstVisit ? 1 : a.venueId < b.venueId ? -1 : 1));
  return { runId: run.id, items };
}
