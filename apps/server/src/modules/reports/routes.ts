import { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../../context';
import { csvDownload } from '../../lib/csv';
import { requireScope } from '../../plugins/auth';
import { adverseReport } from './adverse-report';
import { SeriousEventsIn, seriousAdverseEvents } from './adverse-serious';
import { attendanceReport } from './attendance-report';
import { coverageReport } from './coverage-report';
import { dashboardSummary } from './dashboard';
import { DosesReportIn, dosesReport } from './doses-report';
import { exportLotDoses } from './export-lot-doses';
import { ReportFilters } from './filters';
import { LotDosesIn, lotDoses } from './lot-doses';
import { screeningsReport } from './screenings-report';
import { stockReport } from './stock-report';
import { sendTable } from './table';

/**
 * Live reports (issue 3 item 9). Every table answers JSON, or CSV with `?format=csv` or `Accept: text/csv`.
 * Filters: from, to (YYYY-MM-DD, Viet Nam days), area (a code inside the caller's jurisdiction; else 404),
 * vaccine (catalog code). Without an area a report covers the caller's whole reports:read jurisdiction.
 */
export async function reportsRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['reports'];
  const read = requireScope('reports:read');
  const csvNote = ' (CSV with ?format=csv or Accept: text/csv)';

  r.get('/api/reports/dashboard', {
    schema: { tags, summary: 'Dashboard: totals, doses per day and per vaccine, coverage per area for the map', querystring: ReportFilters.omit({ format: true }) },
    preValidation: read,
  }, async (request) => dashboardSummary(deps, request.ctx, request.query));

  r.get('/api/reports/doses', {
    schema: { tags, summary: `Doses given, by day, area, vaccine, dose or site, or by day and one of those (split); filters: vaccine, siteId, doseKind, doseNumber${csvNote}`, querystring: DosesReportIn },
    preValidation: read,
  }, async (request, reply) => sendTable(request, reply, await dosesReport(deps, request.ctx, request.query), request.query.format));

  const tables = [
    ['coverage', 'Coverage per area of adults 18+ (at least one dose, full series, booster) and of over-50s, against their populations', coverageReport],
    ['screenings', 'Screening outcomes and reasons for not being eligible', screeningsReport],
    ['adverse-events', 'Adverse events per vaccine: serious, severe, commonest symptoms', adverseReport],
    ['attendance', 'Registered or invited but not attended, per area', attendanceReport],
    ['stock', 'Stock on hand, days of supply and wastage per area and lot', stockReport],
  ] as const;
  for (const [name, summary, run] of tables) {
    r.get(`/api/reports/${name}`, { schema: { tags, summary: `${summary}${csvNote}`, querystring: ReportFilters }, preValidation: read },
      async (request, reply) => sendTable(request, reply, await run(deps, request.ctx, request.query), request.query.format));
  }

  r.get('/api/reports/adverse-events/serious', {
    schema: { tags, summary: `Serious adverse events of the area, newest first, paged (no names; audited)${csvNote}`, querystring: SeriousEventsIn },
    preValidation: read,
  }, async (request, reply) => sendTable(request, reply, await seriousAdverseEvents(deps, request.ctx, request.query), request.query.format));

  r.get('/api/reports/lots/:id/doses', {
    schema: { tags, summary: `Lot traceability: the doses given from a lot and who received them, paged and audited${csvNote}`, params: z.object({ id: z.uuid() }), querystring: LotDosesIn },
    preValidation: requireScope('people:read', 'vaccination:read'),
  }, async (request, reply) => {
    const page = await lotDoses(deps, request.ctx, request.params.id, request.query);
    if (page.nextAfter) reply.header('x-next-after', page.nextAfter);
    return sendTable(request, reply, page, request.query.format);
  });

  r.get('/api/reports/lots/:id/doses/export', {
    schema: { tags, summary: 'Lot recall: every dose given from a lot and who received it, as one CSV streamed from the database (audited once, with the row count)', params: z.object({ id: z.uuid() }) },
    preValidation: requireScope('people:read', 'vaccination:read'),
  }, async (request, reply) => {
    const file = await exportLotDoses(deps, request.ctx, request.params.id);
    // One chunk at a time: the next is read from the database only when the client has taken the last.
    return csvDownload(reply, file.fileName).header('x-row-count', String(file.rows)).send(Readable.from(file.csv, { objectMode: false, highWaterMark: 1 }));
  });
}
