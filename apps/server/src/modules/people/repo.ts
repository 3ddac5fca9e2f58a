import { sql, type Database, type Selectable, type schema } from '@sen/db';
import { selectAreas } from '../areas/repo';

export type PersonRow = Selectable<schema.People>;

import type { Identifier, PersonSummary, Sex } from '@sen/domain';
export type { Identifier, Person, PersonSummary } from '@sen/domain';

/** The columns of a person, with the ltree path as text. */
export function selectPeople(db: Database) {
  return db
    .selectFrom('people as p')
    .select([
      'p.id', 'p.full_name', 'p.search_name', 'p.birth_date', 'p.birth_year', 'p.sex', 'p.phone', 'p.address', 'p.commune_code',
      sql<string | null>`p.area_path::text`.as('area_path'), 'p.household_id', 'p.household_role', 'p.merged_into', 'p.merged_at',
      'p.version', 'p.created_at', 'p.updated_at', 'p.created_by',
    ]);
}

export async function findPersonRow(db: Database, id: string, options: { forUpdate?: boolean } = {}): Promise<PersonRow | undefined> {
  let q = selectPeople(db).where('p.id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Identifiers of several people, in a stable order (kind, then value). */
export async function identifiersOf(db: Database, personIds: readonly string[]): Promise<Map<string, Identifier[]>> {
  const out = new Map<string, Identifier[]>();
  if (personIds.length === 0) return out;
  const rows = await db
    .selectFrom('person_identifiers')
    .select(['person_id', 'kind', 'value'])
    .where('person_id', 'in', [...new Set(personIds)])
    .orderBy('kind')
    .orderBy('value')
    .execute();
  for (const r of rows) {
    const list = out.get(r.person_id) ?? [];
    list.push({ kind: r.kind, value: r.value });
    out.set(r.person_id, list);
  }
  return out;
}

/** Labels of communes ("Phường Ba Đình, Thành phố Hà Nội"), read through the areas module. */
export async function areaLabels(db: Database, codes: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(codes.filter((c): c is string => c !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await selectAreas(db).where('a.code', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.code, r.label]));
}

export type SummaryRow = Pick<PersonRow, 'id' | 'full_name' | 'birth_date' | 'sex' | 'phone' | 'commune_code'>;

/** Summaries of rows, in the order given, with two extra queries in all (identifiers, labels). */
export async function summariesOf(db: Database, rows: readonly SummaryRow[]): Promise<PersonSummary[]> {
  const [ids, labels] = await Promise.all([identifiersOf(db, rows.map((r) => r.id)), areaLabels(db, rows.map((r) => r.commune_code))]);
  return rows.map((r) => ({
    id: r.id,
    fullName: r.full_name,
    birthDate: r.birth_date,
    sex: r.sex as Sex,
    phone: r.phone,
    communeCode: r.commune_code,
    areaLabel: r.commune_code ? (labels.get(r.commune_code) ?? null) : null,
    identifiers: ids.get(r.id) ?? [],
  }));
}

/** Who holds an identifier, if anyone. */
export async function identifierHolder(db: Database, kind: string, value: string): Promise<{ personId: string; areaPath: string | null } | undefined> {
  const row = await db
    .selectFrom('person_identifiers as i')
    .innerJoin('people as p', 'p.id', 'i.person_id')
    .select(['i.person_id', sql<string | null>`p.area_path::text`.as('area_path')])
    .where('i.kind', '=', kind)
    .where('i.value', '=', value)
    .executeTakeFirst();
  return row ? { personId: row.person_id, areaPath: row.area_path } : undefined;
}

/** Adds identifiers to a person; returns the first that someone already holds (the caller refuses the write). */
export async function insertIdentifiers(db: Database, personId: string, list: readonly Identifier[]): Promise<Identifier | null> {
  if (list.length === 0) return null;
  const inserted = await db
    .insertInto('person_identifiers')
    .values(list.map((i) => ({ kind: i.kind, value: i.value, person_id: personId })))
    .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
    .returning(['kind', 'value'])
    .execute();
  const done = new Set(inserted.map((i) => `${i.kind}:${i.value}`));
  return list.find((i) => !done.has(`${i.kind}:${i.value}`)) ?? null;
}

export interface HouseholdRow {
  id: string;
  address: string | null;
  commune_code: string | null;
  area_path: string | null;
}

export async function findHouseholdRow(db: Database, id: string): Promise<HouseholdRow | undefined> {
  return db
    .selectFrom('households')
    .select(['id', 'address', 'commune_code', sql<string | null>`area_path::text`.as('area_path')])
    .where('id', '=', id)
    .executeTakeFirst();
}
