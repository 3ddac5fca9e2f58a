import { sql } from '@sen/db';
import { conflict, notFound } from '@sen/domain';
import type { z } from 'zod';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { candidateView } from './read-run';
import type { OpenedCandidateOut } from './schemas';
import { contactView, storeContact, type ContactView } from './store-contact';
import { loadRunFor, namesOf } from './tracing-access';

type Opened = z.infer<typeof OpenedCandidateOut>;

/**
 * Opens a candidate: who they are (name, birth date, phone, commune), so the tracer can call them. Audited with the
 * run's reason; the first opening is also kept on the candidate.
 */
export async function openCandidate(deps: Pick<Deps, 'db'>, ctx: RequestContext, runId: string, candidateId: string): Promise<Opened> {
  return deps.db.transaction().execute(async (trx) => {
    const run = await loadRunFor(trx, ctx, runId, 'read');
    const row = await trx.selectFrom('trace_candidates').selectAll().where('id', '=', candidateId).where('run_id', '=', runId).executeTakeFirst();
    if (!row) throw notFound('Candidate');
    const person = await trx.selectFrom('people').select(['full_name', 'birth_date', 'phone', 'commune_code']).where('id', '=', row.person_id).executeTakeFirst();
    const opened = row.opened_at
      ? row
      : await trx.updateTable('trace_candidates').set({ opened_at: sql<Date>`now()`, opened_by: ctx.actor?.userId ?? null }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'tracing.candidate.open', entityType: 'person', entityId: row.person_id, areaPath: run.area_path, details: { reason: run.reason, runId, candidateId } });
    return {
      ...candidateView(opened, person?.full_name), personId: row.person_id, fullName: person?.full_name ?? null, birthDate: person?.birth_date ?? null,
      phone: person?.phone ?? null, communeCode: person?.commune_code ?? null, inRegistry: person !== undefined,
    };
  });
}

/**
 * Confirms a candidate into `contacts` (source 'checkin', its generation and, for F2, the F1 contact it came
 * through). Idempotent: confirming again, or a person already confirmed from another run, returns the contact
 * already there (created = false) and queues no second message. A candidate not in the registry cannot be
 * confirmed (409): the contact table points at people.
 */
export async function confirmCandidate(deps: Pick<Deps, 'db'>, ctx: RequestContext, runId: string, candidateId: string, note?: string): Promise<ContactView> {
  return deps.db.transaction().execute(async (trx) => {
    const run = await loadRunFor(trx, ctx, runId, 'write', { forUpdate: true });
    const row = await trx.selectFrom('trace_candidates').selectAll().where('id', '=', candidateId).where('run_id', '=', runId).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Candidate');
    if (row.status === 'dismissed') throw conflict('candidate_dismissed', 'This candidate was dismissed; open it again with a new run');
    const person = await trx.selectFrom('people').select(['id', 'area_path']).where('id', '=', row.person_id).executeTakeFirst();
    if (!person) throw conflict('person_not_in_registry', 'This candidate is not in the people registry: register them first, then add the contact by hand');
    const { row: contact, created } = await storeContact(trx, ctx, {
      indexPersonId: run.index_person_id, contactPersonId: row.person_id, generation: row.generation === 2 ? 2 : 1, viaContactId: row.via_contact_id,
      exposureStart: new Date(row.exposure_start), exposureEnd: new Date(row.exposure_end), exposureMinutes: Number(row.overlap_minutes),
      venueId: row.best_venue_id && (await trx.selectFrom('venues').select('id').where('id', '=', row.best_venue_id).executeTakeFirst()) ? row.best_venue_id : null,
      source: 'checkin', risk: row.risk as 'high' | 'low', traceRunId: run.id, note: note ?? null, areaPath: run.area_path, contactAreaPath: person.area_path,
    });
    if (row.status !== 'confirmed' || row.contact_id !== contact.id) {
      await trx.updateTable('trace_candidates').set({ status: 'confirmed', contact_id: contact.id }).where('id', '=', row.id).execute();
    }
    await recordAudit(trx, ctx, {
      action: 'tracing.contact.confirm', entityType: 'contact', entityId: contact.id, areaPath: run.area_path,
      details: { reason: run.reason, runId, candidateId, created, generation: contact.generation },
    });
    const names = await namesOf(trx, [contact.contact_person_id]);
    return contactView(contact, names.get(contact.contact_person_id), created);
  });
}

/** Marks a candidate as not a contact (kept, so the review shows it was looked at). Audited. */
export async function dismissCandidate(deps: Pick<Deps, 'db'>, ctx: RequestContext, runId: string, candidateId: string): Promise<{ id: string; status: string }> {
  return deps.db.transaction().execute(async (trx) => {
    const run = await loadRunFor(trx, ctx, runId, 'write');
    const row = await trx.selectFrom('trace_candidates').select(['id', 'status']).where('id', '=', candidateId).where('run_id', '=', runId).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Candidate');
    if (row.status === 'confirmed') throw conflict('candidate_confirmed', 'This candidate is already a confirmed contact');
    await trx.updateTable('trace_candidates').set({ status: 'dismissed' }).where('id', '=', row.id).execute();
    await recordAudit(trx, ctx, { action: 'tracing.candidate.dismiss', entityType: 'trace_candidate', entityId: row.id, areaPath: run.area_path, details: { reason: run.reason, runId } });
    return { id: row.id, status: 'dismissed' };
  });
}
