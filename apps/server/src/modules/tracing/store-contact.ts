import { uuidv7, type DB, type Selectable, type Transaction } from '@sen/db';
import type { schema } from '@sen/db';
import { displayPartialDateVi, vnDayOf } from '@sen/domain';
import type { z } from 'zod';
import type { RequestContext } from '../../context';
import { enqueueNotification } from '../notifications/enqueue-notification';
import type { ContactOut } from './schemas';

export type ContactView = z.infer<typeof ContactOut>;
type ContactRow = Selectable<schema.Contacts>;

export interface NewContact {
  id?: string;
  indexPersonId: string;
  contactPersonId: string;
  generation: 1 | 2;
  viaContactId: string | null;
  exposureStart: Date;
  exposureEnd: Date;
  exposureMinutes: number;
  venueId: string | null;
  source: 'checkin' | 'manual' | 'declaration';
  risk: 'high' | 'low' | null;
  traceRunId: string | null;
  note: string | null;
  areaPath: string | null;
  contactAreaPath: string | null;
}

export const CONTACT_TEMPLATE = 'tracing.contact';


/**
 * The message to a confirmed contact: when and where, never who. Vietnamese (the en text is for the outbox viewer).
 */
export function contactMessage(exposure: Date, venueName: string | null): Record<string, string> {
  const day = displayPartialDateVi(vnDayOf(exposure)); // dd/mm/yyyy, as people in Viet Nam write it
  const where = venueName ? ` tại ${venueName}` : '';
  return {
    exposureDate: day,
    venueName: venueName ?? '',
    text: `Sen: Bạn có thể đã tiếp xúc gần với người mắc bệnh${where} ngày ${day}. Vui lòng tự theo dõi sức khỏe, hạn chế tiếp xúc và liên hệ trạm y tế xã/phường để được hướng dẫn.`,
    textEn: `Sen: You may have been in close contact with a confirmed case${venueName ? ` at ${venueName}` : ''} on ${day}. Please watch your health, limit contact with others and call your commune health station.`,
  };
}

export function contactView(row: ContactRow, contactName: string | undefined, created: boolean): ContactView {
  return {
    id: row.id, indexPersonId: row.index_person_id, contactPersonId: row.contact_person_id, contactName: contactName ?? '?', generation: row.generation,
    viaContactId: row.via_contact_id, exposureStart: new Date(row.exposure_start).toISOString(), exposureEnd: new Date(row.exposure_end).toISOString(),
    exposureMinutes: Number(row.exposure_minutes), venueId: row.venue_id, source: row.source as ContactView['source'], risk: row.risk, traceRunId: row.trace_run_id,
    status: row.status, confirmedBy: row.confirmed_by, confirmedAt: new Date(row.confirmed_at).toISOString(), created,
  };
}

/**
 * Stores a contact once per (index person, contact person): a second confirmation (another run, a retry, a manual
 * entry) returns the row already there with created = false. A new contact is told through the outbox in the same
 * transaction (SMS when the registry has a phone, else the app), deduplicated on the contact id.
 */
export async function storeContact(trx: Transaction<DB>, ctx: RequestContext, c: NewContact): Promise<{ row: ContactRow; created: boolean }> {
  const inserted = await trx.insertInto('contacts').values({
    id: c.id ?? uuidv7(), index_person_id: c.indexPersonId, contact_person_id: c.contactPersonId, generation: c.generation, via_contact_id: c.viaContactId,
    exposure_start: c.exposureStart, exposure_end: c.exposureEnd, exposure_minutes: Math.round(c.exposureMinutes * 100) / 100, venue_id: c.venueId,
    source: c.source, risk: c.risk, trace_run_id: c.traceRunId, note: c.note, area_path: c.areaPath, contact_area_path: c.contactAreaPath,
    confirmed_by: ctx.actor?.userId ?? null,
  }).onConflict((oc) => oc.columns(['index_person_id', 'contact_person_id']).doNothing()).returningAll().executeTakeFirst();
  if (!inserted) {
    const existing = await trx.selectFrom('contacts').selectAll().where('index_person_id', '=', c.indexPersonId).where('contact_person_id', '=', c.contactPersonId).executeTakeFirstOrThrow();
    return { row: existing, created: false };
  }
  const person = await trx.selectFrom('people').select(['phone']).where('id', '=', c.contactPersonId).executeTakeFirst();
  const venue = c.venueId ? await trx.selectFrom('venues').select(['name']).where('id', '=', c.venueId).executeTakeFirst() : undefined;
  await enqueueNotification(trx, {
    personId: c.contactPersonId, channel: person?.phone ? 'sms' : 'app', template: CONTACT_TEMPLATE,
    params: contactMessage(c.exposureStart, venue?.name ?? null), dedupeKey: `${CONTACT_TEMPLATE}:${inserted.id}`,
  });
  return { row: inserted, created: true };
}
