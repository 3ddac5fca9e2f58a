import { sql } from '@sen/db';
import { badRequest, conflict, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { resolvePersonTokens } from '../checkins/person-qr';
import { isUniqueViolation, loadSessionFor } from './sessions-repo';

export interface ArrivalInput {
  id: string;
  personId?: string | undefined;
  idNumber?: string | undefined;
  /** The person's signed QR token, as scanned (checked like a venue's scan: forged, altered or rotated ones refused). */
  personToken?: string | undefined;
  method?: 'qr' | 'search' | 'id_number' | 'person_id' | undefined;
  arrivedAt?: string | undefined;
}

interface ArrivalRow {
  id: string;
  session_id: string;
  person_id: string;
  arrived_at: Date;
  method: 'qr' | 'search' | 'id_number' | 'person_id';
}

const arrivalView = (r: ArrivalRow, replayed: boolean) => ({
  id: r.id, sessionId: r.session_id, personId: r.person_id, arrivedAt: new Date(r.arrived_at).toISOString(), method: r.method, replayed,
});

/**
 * A person of the registry, by id or by a national identifier. People come to a site from anywhere (the site's
 * commune is the actor's jurisdiction, the person's home need not be), so the registry is searched whole; a merged
 * record answers 409 naming the record it was merged into, so the tablet rescans.
 */
export async function resolvePerson(deps: Deps, personId: string | undefined, idNumber: string | undefined) {
  let id = personId;
  if (!id && idNumber) {
    const holder = await deps.db.selectFrom('person_identifiers').select('person_id').where('value', '=', idNumber.toUpperCase()).executeTakeFirst();
    if (!holder) throw notFound('Person', { field: 'idNumber' });
    id = holder.person_id;
  }
  if (!id) throw badRequest('person_required', 'personId: give personId or idNumber', { field: 'personId' });
  const person = await deps.db.selectFrom('people').select(['id', 'merged_into', sql<string | null>`area_path::text`.as('area_path')]).where('id', '=', id).executeTakeFirst();
  if (!person) throw notFound('Person', { field: personId ? 'personId' : 'idNumber' });
  if (person.merged_into) throw conflict('person_merged', 'This record was merged into another: use that one', { survivorId: person.merged_into });
  return person;
}

/**
 * Checks a person in at a session (planned or open). One arrival per person and session: a second check-in, or a
 * retry with the same client id, answers the stored arrival (replayed: true).
 */
export async function checkIn(deps: Deps, ctx: RequestContext, sessionId: string, input: ArrivalInput) {
  const session = await loadSessionFor(deps.db, ctx, sessionId, 'vaccination:write');
  const byId = await deps.db.selectFrom('session_arrivals').selectAll().where('id', '=', input.id).executeTakeFirst();
  if (byId) {
    if (byId.session_id !== sessionId || (input.personId && byId.person_id !== input.personId)) throw conflict('client_id_reused', 'This id was already used for another arrival', { field: 'id' });
    return arrivalView(byId as ArrivalRow, true);
  }
  if (session.status !== 'planned' && session.status !== 'open') throw conflict('session_not_open', `The session is ${session.status}`, { status: session.status });
  const scanned = input.personToken ? (await resolvePersonTokens(deps, [input.personToken], () => 'personToken'))[0] : undefined;
  const person = await resolvePerson(deps, scanned ?? input.personId, input.idNumber);
  const arrivedAt = input.arrivedAt ? new Date(input.arrivedAt) : new Date();
  if (arrivedAt.getTime() > Date.now() + 5 * 60_000) throw badRequest('invalid_time', 'arrivedAt: not in the future', { field: 'arrivedAt' });
  const method = scanned ? 'qr' : input.method ?? (input.idNumber ? 'id_number' : 'person_id');
  const existing = () => deps.db.selectFrom('session_arrivals').selectAll().where('session_id', '=', sessionId).where('person_id', '=', person.id).executeTakeFirst();
  const already = await existing();
  if (already) return arrivalView(already as ArrivalRow, true);
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('session_arrivals').values({
        id: input.id, session_id: sessionId, person_id: person.id, arrived_at: arrivedAt, method, area_path: session.area_path, recorded_by: ctx.actor?.userId ?? null,
      }).execute();
      await recordAudit(trx, ctx, { action: 'session.arrival', entityType: 'person', entityId: person.id, areaPath: session.area_path, details: { sessionId, arrivalId: input.id, method } });
    });
  } catch (err) {
    // A concurrent retry (same id) or a second device checking the same person in won the race.
    if (isUniqueViolation(err, 'session_arrivals_pkey') || isUniqueViolation(err, 'session_arrivals_session_id_person_id_key')) {
      const row = (await deps.db.selectFrom('session_arrivals').selectAll().where('id', '=', input.id).executeTakeFirst()) ?? (await existing());
      if (row && row.session_id === sessionId && row.person_id === person.id) return arrivalView(row as ArrivalRow, true);
      throw conflict('client_id_reused', 'This id was already used for another arrival', { field: 'id' });
    }
    throw err;
  }
  return { ...arrivalView({ id: input.id, session_id: sessionId, person_id: person.id, arrived_at: arrivedAt, method }, false) };
}

/** Who has arrived at a session, in order (the screening queue). */
export async function listArrivals(deps: Deps, ctx: RequestContext, sessionId: string) {
  const session = await loadSessionFor(deps.db, ctx, sessionId, 'vaccination:read');
  const rows = await deps.db
    .selectFrom('session_arrivals as a')
    .innerJoin('people as p', 'p.id', 'a.person_id')
    .select(['a.id', 'a.session_id', 'a.person_id', 'a.arrived_at', 'a.method', 'p.full_name', 'p.birth_date'])
    .where('a.session_id', '=', sessionId)
    .orderBy('a.arrived_at')
    .limit(5000)
    .execute();
  await recordAudit(deps.db, ctx, { action: 'session.arrivals.read', entityType: 'vaccination_session', entityId: sessionId, areaPath: session.area_path, details: { count: rows.length } });
  return { items: rows.map((r) => ({ ...arrivalView(r as ArrivalRow, false), fullName: r.full_name, birthDate: r.birth_date })) };
}
