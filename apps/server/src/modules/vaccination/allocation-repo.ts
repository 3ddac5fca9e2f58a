import { sql, type Database, type DB, type Transaction } from '@sen/db';

type Db = Database | Transaction<DB>;

export interface PlanRow {
  id: string;
  area_code: string;
  area_path: string;
  area_name: string;
  vaccine_code: string;
  period_from: string;
  period_to: string;
  target_group: 'adults' | 'over_50';
  coverage_goal_pct: number;
  series_doses: number;
  target_population: number;
  doses_given: number;
  doses_needed: number;
  doses_available: number | null;
  doses_to_allocate: number;
  status: 'proposed' | 'approved' | 'superseded';
  note: string | null;
  created_at: Date;
  approved_at: Date | null;
}

export interface PlanLineRow {
  area_code: string;
  area_name: string;
  target_population: number;
  doses_given: number;
  doses_needed: number;
  doses_to_allocate: number;
}

export function selectPlans(db: Db) {
  return db
    .selectFrom('allocation_plans as p')
    .innerJoin('areas as a', 'a.code', 'p.area_code')
    .select([
      'p.id', 'p.area_code', sql<string>`p.area_path::text`.as('area_path'), 'a.full_name as area_name', 'p.vaccine_code', sql<string>`p.period_from::text`.as('period_from'),
      sql<string>`p.period_to::text`.as('period_to'), 'p.target_group', sql<number>`p.coverage_goal_pct::float8`.as('coverage_goal_pct'), 'p.series_doses',
      'p.target_population', 'p.doses_given', 'p.doses_needed', 'p.doses_available', 'p.doses_to_allocate', 'p.status', 'p.note', 'p.created_at', 'p.approved_at',
    ]);
}

export async function findPlan(db: Db, id: string, options: { forUpdate?: boolean } = {}): Promise<PlanRow | undefined> {
  let q = selectPlans(db).where('p.id', '=', id);
  if (options.forUpdate) q = q.forUpdate('p');
  return (await q.executeTakeFirst()) as PlanRow | undefined;
}

export async function planLines(db: Db, planId: string): Promise<PlanLineRow[]> {
  return db
    .selectFrom('allocation_plan_lines as l')
    .innerJoin('areas as a', 'a.code', 'l.area_code')
    .select(['l.area_code', 'a.full_name as area_name', 'l.target_population', 'l.doses_given', 'l.doses_needed', 'l.doses_to_allocate'])
    .where('l.plan_id', '=', planId)
    .orderBy('l.area_code')
    .execute();
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function planView(p: Omit<PlanRow, 'id' | 'status' | 'created_at' | 'approved_at' | 'area_path'> & { id: string | null; status: PlanRow['status'] | null; created_at: Date | null; approved_at: Date | null }, lines: PlanLineRow[]) {
  return {
    id: p.id, status: p.status, areaCode: p.area_code, areaName: p.area_name, vaccineCode: p.vaccine_code, seriesDoses: p.series_doses,
    periodFrom: p.period_from, periodTo: p.period_to, targetGroup: p.target_group, coverageGoalPct: Number(p.coverage_goal_pct),
    targetPopulation: p.target_population, dosesGiven: p.doses_given, dosesNeeded: p.doses_needed, dosesAvailable: p.doses_available, dosesToAllocate: p.doses_to_allocate,
    note: p.note, createdAt: iso(p.created_at), approvedAt: iso(p.approved_at),
    lines: lines.map((l) => ({ areaCode: l.area_code, areaName: l.area_name, targetPopulation: l.target_population, dosesGiven: l.doses_given, dosesNeeded: l.doses_needed, dosesToAllocate: l.doses_to_allocate })),
  };
}
