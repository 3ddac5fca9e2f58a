import { z } from 'zod';
import { sql, type Database } from '@sen/db';
import { badRequest, CATALOG_VERSIONS, isCalendarDay, notFound, shiftDay, vnToday } from '@sen/domain';
import type { RequestContext } from '../../context';
import { scopePaths } from '../access/authorize';

/** The longest period one report covers (ten years): bounds a daily series. */
export const MAX_RANGE_DAYS = 3660;
/** The default start: the national campaign began on 8 March 2021. */
const CAMPAIGN_START = '2021-01-01';

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Give a date as YYYY-MM-DD').refine(isCalendarDay, 'Not a calendar date');

const VACCINE_CODES = [...new Set(CATALOG_VERSIONS.flatMap((v) => v.vaccines.map((x) => x.code)))];

/** Query filters common to every report. */
export const ReportFilters = z.object({
  from: isoDay.optional(),
  to: isoDay.optional(),
  area: z.string().regex(/^[0-9A-Za-z]{1,10}$/, 'Give an area code such as 01 or 00004').optional(),
  vaccine: z.string().max(40).refine((v) => VACCINE_CODES.includes(v), `Give one of ${VACCINE_CODES.join(', ')}`).optional(),
  format: z.enum(['json', 'csv']).optional(),
});
export type ReportFiltersIn = z.infer<typeof ReportFilters>;

export interface AreaRef {
  code: string;
  path: string;
  name: string;
  level: number;
  /** country, province, district or commune (optional where only the path matters). */
  kind?: string;
}

/** What a report reads: the areas it covers (no area inside another), the period and the vaccine. */
export interface ReportScope {
  /** The selected area, or the caller's jurisdiction roots when none was given. */
  roots: AreaRef[];
  from: string;
  to: string;
  vaccine: string | null;
}

const dayMs = 86_400_000;

/**
 * Resolves filters against the caller's reports:read jurisdiction. An area outside it answers 404 (as any
 * out-of-jurisdiction read); without an area the report covers the whole jurisdiction. Default period: the
 * campaign to date (from 2021-01-01, at most ten years back, to today).
 */
export async function resolveScope(db: Database, ctx: RequestContext, input: ReportFiltersIn, scope: 'reports:read' | 'vaccination:read' = 'reports:read'): Promise<ReportScope> {
  const grants = scopePaths(ctx, scope);
  const to = input.to ?? vnToday();
  const from = input.from ?? [CAMPAIGN_START, shiftDay(to, -MAX_RANGE_DAYS)].sort().at(-1)!;
  if (from > to) throw badRequest('invalid_period', 'from: The start of the period is after its end', { errors: [{ field: 'querystring.from', message: 'The start of the period is after its end' }] });
  if ((Date.parse(to) - Date.parse(from)) / dayMs > MAX_RANGE_DAYS) {
    throw badRequest('invalid_period', `to: A report covers at most ${MAX_RANGE_DAYS} days`, { errors: [{ field: 'querystring.to', message: `A report covers at most ${MAX_RANGE_DAYS} days` }] });
  }
  let roots: AreaRef[];
  if (input.area) {
    const area = await db.selectFrom('areas').select(['code', sql<string>`path::text`.as('path'), 'full_name as name', 'level', 'kind']).where('code', '=', input.area).executeTakeFirst();
    if (!area || !grants.some((g) => area.path === g || area.path.startsWith(`${g}.`))) throw notFound('Area', { code: input.area });
    roots = [area];
  } else {
    // Grants inside another grant add nothing.
    const top = grants.filter((g) => !grants.some((o) => o !== g && g.startsWith(`${o}.`)));
    roots = await db.selectFrom('areas').select(['code', sql<string>`path::text`.as('path'), 'full_name as name', 'level', 'kind']).where(sql<boolean>`path = ANY(${sql.val([...new Set(top)])}::ltree[])`).orderBy('path').execute();
  }
  return { roots, from, to, vaccine: input.vaccine ?? null };
}

/** Per-area tables list the areas one level below the selected ones; a commune, with none below, lists itself. */
export function areasBelow(scope: ReportScope): 'child' | 'root' {
  return scope.roots.length > 0 && scope.roots.every((r) => r.kind === 'commune') ? 'root' : 'child';
}
