import type { Cell } from './vaccinationApi';

export interface DaySeries {
  /** Every day with a dose, in order. */
  days: string[];
  /** One series per key, the largest total first (ties by key); data[i] is the doses of days[i]. */
  series: { key: string; total: number; data: number[] }[];
}

/**
 * Rows of a doses report split by day and one dimension (`by=day&split=…`) as chart series: one per key, with a zero
 * on the days that key had no dose, so stacked bars line up. `keyOf` names the series of a row (null: left out).
 */
export function daySeries(rows: readonly Record<string, Cell>[], keyOf: (row: Record<string, Cell>) => string | null, order?: (a: string, b: string) => number): DaySeries {
  const days = [...new Set(rows.map((r) => String(r.day)))].sort();
  const index = new Map(days.map((d, i) => [d, i]));
  const byKey = new Map<string, number[]>();
  for (const r of rows) {
    const key = keyOf(r);
    if (key === null) continue;
    const data = byKey.get(key) ?? new Array<number>(days.length).fill(0);
    data[index.get(String(r.day))!]! += Number(r.doses ?? 0);
    byKey.set(key, data);
  }
  const series = [...byKey].map(([key, data]) => ({ key, total: data.reduce((s, n) => s + n, 0), data }));
  series.sort(order ? (a, b) => order(a.key, b.key) : (a, b) => b.total - a.total || a.key.localeCompare(b.key));
  return { days, series };
}

/** A dose as one key ("primary:2", "booster:3"), ordered primary before booster, then by number. */
export const doseKey = (row: Record<string, Cell>) => (row.doseKind === null || row.doseKind === undefined ? null : `${String(row.doseKind)}:${Number(row.doseNumber)}`);
export function compareDoseKeys(a: string, b: string): number {
  const [ka, na] = a.split(':');
  const [kb, nb] = b.split(':');
  return (ka === kb ? 0 : ka === 'primary' ? -1 : kb === 'primary' ? 1 : ka!.localeCompare(kb!)) || Number(na) - Number(nb);
}
