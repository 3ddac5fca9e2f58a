import { sql, type Database, type RawBuilder } from '@sen/db';
import type { ReportScope } from './filters';

export type Metric = 'doses' | 'coverage' | 'site_doses' | 'lot_doses' | 'screenings' | 'adverse' | 'symptoms' | 'registrations' | 'invitations';
type Group = 'day' | 'dim1' | 'dim2' | 'dim3';

/** Metrics whose fold keeps a running total under the day 'infinity' (migration 0023). */
const RUNNING_TOTALS: ReadonlySet<Metric> = new Set(['coverage']);

export interface CountQuery {
  metric: Metric;
  scope: ReportScope;
  /** 'root': one row set per selected area (summed when several); 'child': per area one level below. */
  areas?: 'none' | 'root' | 'child';
  groups: Group[];
  /** 'range': from..to (default); 'until': everything up to `to` (coverage as of a date). */
  period?: 'range' | 'until';
  /** Equality filters on dimensions (the vaccine is dim1 or dim2 depending on the metric). */
  where?: Partial<Record<'dim1' | 'dim2' | 'dim3', string>>;
}

export interface CountRow {
  area_path: string;
  day: string;
  dim1: string;
  dim2: string;
  dim3: string;
  n: number;
}

/**
 * Reads a metric from report_counts plus the deltas not folded yet, in ONE statement: one snapshot, so a fold
 * committing meanwhile is seen either entirely or not at all, and the answer is exact at read time.
 * Folded rows are read at the level asked for (the fold wrote every ancestor level); pending deltas are at
 * commune grain and are lifted to that level with subpath().
 */
export async function readCounts(db: Database, q: CountQuery): Promise<CountRow[]> {
  const roots = q.scope.roots.map((r) => r.path);
  if (roots.length === 0) return [];
  const mode = q.areas ?? 'none';
  const rootsArr = sql`${sql.val(roots)}::ltree[]`;
  const rootsText = sql`${sql.val(roots)}::text[]`;
  const folded: RawBuilder<unknown>[] = [sql`c.metric = ${q.metric}`];
  const pending: RawBuilder<unknown>[] = [sql`p.metric = ${q.metric}`];
  if (mode === 'child') {
    folded.push(sql`c.parent_path = ANY(${rootsText})`);
    pending.push(sql`nlevel(p.area_path) > nlevel(r.path)`);
  } else {
    folded.push(sql`c.area_path = ANY(${rootsText})`);
  }
  for (const [dim, value] of Object.entries(q.where ?? {})) {
    if (value === undefined) continue;
    folded.push(sql`${sql.ref(`c.${dim}`)} = ${value}`);
    pending.push(sql`${sql.ref(`p.${dim}`)} = ${value}`);
  }
  const period = q.period ?? 'range';
  const base = sql.join(folded, sql` AND `);
  const foldedRows = (day: RawBuilder<unknown>, sign = sql``) => sql`SELECT c.area_path, c.day, c.dim1, c.dim2, c.dim3, ${sign}c.n AS n FROM report_counts c WHERE ${base} AND ${day}`;
  let foldedPart: RawBuilder<unknown>;
  if (period === 'range') {
    foldedPart = foldedRows(sql`c.day BETWEEN ${q.scope.from}::date AND ${q.scope.to}::date`);
    pending.push(sql`p.day BETWEEN ${q.scope.from}::date AND ${q.scope.to}::date`);
  } else {
    // Metrics with running totals (0023): the total less the days after `to` (none when `to` is today).
    foldedPart = RUNNING_TOTALS.has(q.metric) && !q.groups.includes('day')
      ? sql`${foldedRows(sql`c.day = 'infinity'`)} UNION ALL ${foldedRows(sql`c.day > ${q.scope.to}::date AND c.day < 'infinity'`, sql`-`)}`
      : foldedRows(sql`c.day <= ${q.scope.to}::date`);
    pending.push(sql`p.day <= ${q.scope.to}::date`);
  }
  const pendingArea = mode === 'child' ? sql`subpath(p.area_path, 0, nlevel(r.path) + 1)::text COLLATE "C"` : sql`r.path::text COLLATE "C"`;
  const cols = [...(mode === 'none' ? [] : ['area_path']), ...q.groups];
  const select = cols.length ? sql.join(cols.map((c) => sql.ref(`x.${c}`))) : sql`''`;
  const groupBy = cols.length ? sql`GROUP BY ${sql.join(cols.map((c) => sql.ref(`x.${c}`)))}` : sql``;
  const res = await sql<Record<string, unknown>>`
    SELECT ${select}, sum(x.n)::bigint AS n FROM (
      ${foldedPart}
      UNION ALL
      SELECT ${pendingArea} AS area_path, p.day, p.dim1, p.dim2, p.dim3, p.n::bigint
        FROM report_pending p JOIN unnest(${rootsArr}) AS r (path) ON p.area_path <@ r.path
       WHERE ${sql.join(pending, sql` AND `)}
    ) x ${groupBy}`.execute(db);
  return res.rows.map((r) => ({
    area_path: r.area_path === undefined ? '' : String(r.area_path),
    day: r.day === undefined ? '' : String(r.day),
    dim1: r.dim1 === undefined ? '' : String(r.dim1),
    dim2: r.dim2 === undefined ? '' : String(r.dim2),
    dim3: r.dim3 === undefined ? '' : String(r.dim3),
    n: Number(r.n),
  })).filter((r) => r.n !== 0);
}
