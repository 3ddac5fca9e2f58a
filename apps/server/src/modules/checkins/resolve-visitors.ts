import type { Database } from '@sen/db';
import { AppError, NATIONAL_ID_KINDS } from '@sen/domain';
import { venueFieldError } from './validate-venue';

/** How a venue names a visitor: the person id (from their QR) or an ID number typed in. */
export interface VisitorRef {
  personId?: string;
  idNumber?: string;
  /** Narrows an ID number to one kind (cccd, cmnd, passport, bhxh) when the same digits could be two kinds. */
  idKind?: string;
}

export interface ResolvedVisitor {
  personId: string;
  fullName: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function normaliseIdNumber(raw: string): string {
  return raw.replace(/[\s.-]/g, '').toUpperCase();
}

/**
 * Resolves visitors through the people registry in two queries (identifiers, then people), following a merge to
 * the surviving record. `fieldOf(i, name)` names the field of item i for errors. An unknown person refuses the
 * whole request (400 naming the field): nothing is stored. Returns the person ids and full names (the caller masks
 * the name before anything leaves the server).
 */
export async function resolveVisitors(db: Database, refs: readonly VisitorRef[], fieldOf: (i: number, name: string) => string): Promise<ResolvedVisitor[]> {
  const wanted: { personId?: string; idNumber?: string; idKind?: string }[] = refs.map((r, i) => {
    const hasId = typeof r.personId === 'string' && r.personId !== '';
    const hasNumber = typeof r.idNumber === 'string' && r.idNumber.trim() !== '';
    if (hasId === hasNumber) throw venueFieldError('visitor_required', fieldOf(i, 'personId'), 'Give either personId (from the QR code) or idNumber, not both');
    if (hasId) {
      if (!UUID.test(r.personId!)) throw venueFieldError('invalid_person_id', fieldOf(i, 'personId'), 'Give a person id (UUID)');
      return { personId: r.personId!.toLowerCase() };
    }
    if (r.idKind !== undefined && !(NATIONAL_ID_KINDS as readonly string[]).includes(r.idKind)) {
      throw venueFieldError('invalid_id_kind', fieldOf(i, 'idKind'), `One of ${NATIONAL_ID_KINDS.join(', ')}`);
    }
    const idNumber = normaliseIdNumber(r.idNumber!);
    if (idNumber.length < 5 || idNumber.length > 40) throw venueFieldError('invalid_id_number', fieldOf(i, 'idNumber'), 'Give an ID number of 5 to 40 characters');
    return { idNumber, ...(r.idKind ? { idKind: r.idKind } : {}) };
  });

  const numbers = [...new Set(wanted.flatMap((w) => (w.idNumber ? [w.idNumber] : [])))];
  const byNumber = new Map<string, { kind: string; personId: string }[]>();
  if (numbers.length) {
    const rows = await db.selectFrom('person_identifiers').select(['kind', 'value', 'person_id']).where('value', 'in', numbers).execute();
    for (const r of rows) byNumber.set(r.value, [...(byNumber.get(r.value) ?? []), { kind: r.kind, personId: r.person_id }]);
  }
  const ids = wanted.map((w, i) => {
    if (w.personId) return w.personId;
    const holders = (byNumber.get(w.idNumber!) ?? []).filter((h) => !w.idKind || h.kind === w.idKind);
    const people = [...new Set(holders.map((h) => h.personId))];
    if (people.length === 0) throw venueFieldError('unknown_person', fieldOf(i, 'idNumber'), 'No one is registered with this ID number');
    if (people.length > 1) throw venueFieldError('ambiguous_id_number', fieldOf(i, 'idKind'), 'Several kinds of ID carry this number: say which (idKind)');
    return people[0]!;
  });

  const unique = [...new Set(ids)];
  const rows = await db
    .selectFrom('people as p')
    .leftJoin('people as s', 's.id', 'p.merged_into')
    .select(['p.id', 'p.full_name', 'p.merged_into', 's.id as survivor_id', 's.full_name as survivor_name', 's.merged_into as survivor_merged'])
    .where('p.id', 'in', unique)
    .execute();
  const found = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id, i) => {
    const r = found.get(id);
    if (!r) throw venueFieldError('unknown_person', fieldOf(i, wanted[i]!.personId ? 'personId' : 'idNumber'), 'No such person');
    if (!r.merged_into) return { personId: r.id, fullName: r.full_name };
    // Merges keep chains one step long; a longer one is corrupt data.
    if (!r.survivor_id || r.survivor_merged) throw new AppError('merge_chain', 'This person record was merged; try again shortly', {}, 409);
    return { personId: r.survivor_id, fullName: r.survivor_name! };
  });
}
