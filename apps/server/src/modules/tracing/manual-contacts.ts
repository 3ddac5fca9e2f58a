import { badRequest, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { CLOCK_SKEW_MINUTES } from '../checkins/record-checkins';
import type { ManualContactInput } from './schemas';
import { contactView, storeContact, type ContactView } from './store-contact';
import { loadIndexPerson, namesOf } from './tracing-access';

function fieldError(code: string, field: string, message: string): never {
  throw badRequest(code, `${field}: ${message}`, { field, errors: [{ field, message }] });
}

/**
 * A contact the tracer learnt of another way (an interview: 'manual'; a health declaration: 'declaration'). Same
 * table and same once-per-pair rule as confirmed candidates; the index person must be in the tracer's jurisdiction.
 */
export async function addManualContact(deps: Pick<Deps, 'db'>, ctx: RequestContext, input: ManualContactInput, now: Date = new Date()): Promise<ContactView> {
  const start = new Date(input.exposureStart);
  const end = input.exposureEnd ? new Date(input.exposureEnd) : start;
  if (start.getTime() > now.getTime() + CLOCK_SKEW_MINUTES * 60_000) fieldError('exposure_in_future', 'exposureStart', 'The exposure is in the future');
  if (end.getTime() < start.getTime()) fieldError('invalid_exposure', 'exposureEnd', 'The exposure must end after it starts');
  if (end.getTime() - start.getTime() > 28 * 86_400_000) fieldError('invalid_exposure', 'exposureEnd', 'An exposure lasts at most 28 days');
  if (input.contactPersonId === input.indexPersonId) fieldError('invalid_contact', 'contactPersonId', 'A person is not their own contact');
  if ((input.generation === 2) !== (input.viaContactId !== undefined)) fieldError('invalid_generation', 'viaContactId', 'A second-degree contact names the F1 contact it comes through (and only it)');

  return deps.db.transaction().execute(async (trx) => {
    const index = await loadIndexPerson(trx, ctx, input.indexPersonId, 'write');
    const contact = await trx.selectFrom('people').select(['id', 'area_path']).where('id', '=', input.contactPersonId).executeTakeFirst();
    if (!contact) throw notFound('Contact person', { field: 'contactPersonId' });
    if (input.viaContactId) {
      const via = await trx.selectFrom('contacts').select(['id', 'generation']).where('id', '=', input.viaContactId).where('index_person_id', '=', index.id).executeTakeFirst();
      if (!via || via.generation !== 1) fieldError('invalid_via_contact', 'viaContactId', 'Name an F1 contact of the same index person');
    }
    if (input.venueId && !(await trx.selectFrom('venues').select('id').where('id', '=', input.venueId).executeTakeFirst())) throw notFound('Venue', { field: 'venueId' });
    const minutes = input.exposureMinutes ?? (end.getTime() - start.getTime()) / 60_000;
    const { row, created } = await storeContact(trx, ctx, {
      ...(input.id ? { id: input.id } : {}), indexPersonId: index.id, contactPersonId: contact.id, generation: input.generation, viaContactId: input.viaContactId ?? null,
      exposureStart: start, exposureEnd: end, exposureMinutes: minutes, venueId: input.venueId ?? null, source: input.source, risk: null, traceRunId: null,
      note: input.note ?? null, areaPath: index.area_path, contactAreaPath: contact.area_path,
    });
    await recordAudit(trx, ctx, { action: 'tracing.contact.add', entityType: 'contact', entityId: row.id, areaPath: index.area_path, details: { reason: input.reason, source: input.source, created } });
    const names = await namesOf(trx, [row.contact_person_id]);
    return contactView(row, names.get(row.contact_person_id), created);
  });
}

/** The confirmed contacts of an index person (404 outside the tracer's jurisdiction). Audited with the tracer's reason. */
export async function listContacts(deps: Pick<Deps, 'db'>, ctx: RequestContext, indexPersonId: string, reason: string): Promise<{ items: ContactView[] }> {
  const index = await loadIndexPerson(deps.db, ctx, indexPersonId, 'read');
  const rows = await deps.db.selectFrom('contacts').selectAll().where('index_person_id', '=', index.id).orderBy('generation').orderBy('confirmed_at').orderBy('id').limit(5_000).execute();
  const names = await namesOf(deps.db, rows.map((r) => r.contact_person_id));
  await recordAudit(deps.db, ctx, { action: 'tracing.contacts.read', entityType: 'person', entityId: index.id, areaPath: index.area_path, details: { reason, shown: rows.length } });
  return { items: rows.map((r) => contactView(r, names.get(r.contact_person_id), false)) };
}
