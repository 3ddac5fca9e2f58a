import { sql, uuidv7, type DB, type Transaction } from '@sen/db';
import { badRequest, conflict, notFound, cleanText } from '@sen/domain';
import type { RequestContext } from '../../context';
import { findLot, lotExpired, type EventRow, type LotRow } from './repo';
import { NOTE_MAX, type DiscardReason, type EventKind } from './schemas';

/**
 * The stock ledger. Every movement is one row of stock_events and, in the same transaction, one change of the
 * (store, lot) row of stock_balances: balances are derived from the ledger, never typed in.
 * Concurrency: the balance row is created if missing, then locked (SELECT ... FOR UPDATE), so two issues from the
 * same store and lot serialize and the second sees the first's result; a movement that would make the balance
 * negative is refused with 409 insufficient_stock naming the doses available. (The CHECK on the table is the
 * last line of defence, not the rule.)
 * Reservations (allocations) are read and changed under the same lock: doses reserved for a store are not free for
 * other allocations, nor for shipments elsewhere or issues; a shipment to the store they are held for consumes them.
 */
export interface LedgerEntry {
  storeId: string;
  lotId: string;
  kind: EventKind;
  /** Signed change, or a function of the locked on-hand balance (a physical count sets the balance). */
  doses: number | ((onHand: number) => number);
  discardReason?: DiscardReason | null;
  shipmentId?: string | null;
  sessionRef?: string | null;
  clientId?: string | null;
  occurredAt: Date;
  /** Free text, or a function of the change and the on-hand balance before it (a count describes itself). */
  note?: string | null | ((doses: number, onHand: number) => string | null);
  /** allocate: the store the doses are reserved for; ship_out: the receiving store (its reservation is consumed). */
  forStoreId?: string | null;
  /** allocate: the signed change of the reservation (+ reserve, - release). */
  reserve?: number;
}

/** Kinds that take doses the store may have promised to another store. */
const RESERVATION_GUARDED = new Set<string>(['allocate', 'ship_out', 'issue']);

export async function appendStockEvent(trx: Transaction<DB>, ctx: RequestContext, e: LedgerEntry): Promise<EventRow> {
  await trx.insertInto('stock_balances').values({ store_id: e.storeId, lot_id: e.lotId, doses_on_hand: 0 }).onConflict((oc) => oc.columns(['store_id', 'lot_id']).doNothing()).execute();
  const balance = await trx
    .selectFrom('stock_balances')
    .select('doses_on_hand')
    .where('store_id', '=', e.storeId)
    .where('lot_id', '=', e.lotId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const onHand = balance.doses_on_hand;
  const doses = typeof e.doses === 'function' ? e.doses(onHand) : e.doses;
  const after = onHand + doses;
  const held = RESERVATION_GUARDED.has(e.kind) ? await reservations(trx, e.storeId, e.lotId, e.forStoreId ?? null) : { total: 0, forStore: 0 };
  // Doses this movement may take: on hand, less what is reserved for other stores.
  const free = onHand - held.total + (e.kind === 'ship_out' ? held.forStore : 0);
  let reservedChange = 0;
  if (e.kind === 'allocate') {
    reservedChange = e.reserve ?? 0;
    if (reservedChange > onHand - held.total) {
      throw conflict('insufficient_stock', `Only ${Math.max(0, onHand - held.total)} doses of this lot are free to allocate in this store (${onHand} on hand, ${held.total} reserved)`,
        { available: Math.max(0, onHand - held.total), onHand, reserved: held.total, requested: reservedChange, storeId: e.storeId, lotId: e.lotId });
    }
    if (-reservedChange > held.forStore) {
      throw conflict('reservation_exceeded', `Only ${held.forStore} doses of this lot are reserved for that store`, { field: 'doses', reserved: held.forStore, requested: -reservedChange });
    }
  } else if (after < 0 || (doses < 0 && -doses > free && held.total > 0)) {
    const available = Math.max(0, Math.min(onHand, free));
    throw conflict('insufficient_stock', held.total > 0 ? `Only ${available} doses of this lot are free in this store (${onHand} on hand, ${held.total} reserved for other stores)` : `Only ${onHand} doses of this lot are on hand in this store`,
      { available, requested: -doses, storeId: e.storeId, lotId: e.lotId, ...(held.total > 0 ? { onHand, reserved: held.total } : {}) });
  } else if (e.kind === 'ship_out' && held.forStore > 0) {
    reservedChange = -Math.min(held.forStore, -doses);
  }
  if (reservedChange > 0) {
    await trx
      .insertInto('stock_reservations')
      .values({ store_id: e.storeId, lot_id: e.lotId, for_store_id: e.forStoreId!, doses_reserved: reservedChange })
      .onConflict((oc) => oc.columns(['store_id', 'lot_id', 'for_store_id']).doUpdateSet({ doses_reserved: sql<number>`stock_reservations.doses_reserved + ${reservedChange}`, updated_at: sql<Date>`now()` }))
      .execute();
  } else if (reservedChange < 0) {
    // A release or a shipment draws on a reservation that exists (checked above).
    await trx
      .updateTable('stock_reservations')
      .set({ doses_reserved: sql<number>`doses_reserved + ${reservedChange}`, updated_at: sql<Date>`now()` })
      .where('store_id', '=', e.storeId).where('lot_id', '=', e.lotId).where('for_store_id', '=', e.forStoreId!)
      .execute();
  }
  await trx
    .updateTable('stock_balances')
    .set({ doses_on_hand: after, updated_at: sql<Date>`now()` })
    .where('store_id', '=', e.storeId)
    .where('lot_id', '=', e.lotId)
    .execute();
  const row = await trx
    .insertInto('stock_events')
    .values({
      id: uuidv7(), store_id: e.storeId, lot_id: e.lotId, kind: e.kind, doses, balance_after: after, discard_reason: e.discardReason ?? null,
      shipment_id: e.shipmentId ?? null, session_ref: e.sessionRef ?? null, client_id: e.clientId ?? null, occurred_at: e.occurredAt,
      recorded_by: ctx.actor?.userId ?? null, note: (typeof e.note === 'function' ? e.note(doses, onHand) : e.note) ?? null,
      reserved_change: reservedChange, for_store_id: reservedChange === 0 ? null : e.forStoreId!,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return row as EventRow;
}

/** Doses of a store's lot reserved for other stores: in all, and for one store. Read under the balance row lock. */
async function reservations(trx: Transaction<DB>, storeId: string, lotId: string, forStoreId: string | null): Promise<{ total: number; forStore: number }> {
  const row = await trx
    .selectFrom('stock_reservations')
    .select([
      sql<number>`coalesce(sum(doses_reserved), 0)::int`.as('total'),
      sql<number>`coalesce(sum(doses_reserved) FILTER (WHERE for_store_id = ${forStoreId}), 0)::int`.as('for_store'),
    ])
    .where('store_id', '=', storeId)
    .where('lot_id', '=', lotId)
    .executeTakeFirstOrThrow();
  return { total: row.total, forStore: row.for_store };
}

/** Optional free text: trimmed, NFC, no control characters; empty means none. */
export function cleanNote(raw: string | null | undefined, field: string, max = NOTE_MAX): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const res = cleanText(raw.trim(), max);
  if (!res.ok) throw badRequest('invalid_text', `${field}: The text ${res.reason}`, { field, errors: [{ field, message: `The text ${res.reason}` }] });
  return res.value;
}

/** When a movement happened: default now, never more than 5 minutes ahead (clock skew), never before 2020. */
export function cleanOccurredAt(raw: string | undefined, now: Date = new Date()): Date {
  if (raw === undefined) return now;
  const at = new Date(raw);
  if (Number.isNaN(at.getTime()) || at.getTime() > now.getTime() + 5 * 60_000 || at.getUTCFullYear() < 2020) {
    throw badRequest('invalid_occurred_at', 'occurredAt: Give a time from 2020 up to now', { field: 'occurredAt', errors: [{ field: 'occurredAt', message: 'Give a time from 2020 up to now' }] });
  }
  return at;
}

export async function loadLot(db: Parameters<typeof findLot>[0], lotId: string, field = 'lotId'): Promise<LotRow> {
  const lot = await findLot(db, lotId);
  if (!lot) throw notFound('Lot', { field });
  return lot;
}

/** A recalled lot may not be received, shipped or issued; an expired lot may not be shipped or issued. */
export function assertLotUsable(lot: LotRow, use: 'receive' | 'ship' | 'issue'): void {
  if (lot.recalled_at) throw conflict('lot_recalled', `Lot ${lot.lot_number} was recalled: it may not be used`, { lotId: lot.id, recalledAt: lot.recalled_at.toISOString(), reason: lot.recall_reason });
  if (use !== 'receive' && lotExpired(lot)) throw conflict('lot_expired', `Lot ${lot.lot_number} expired on ${lot.expiry_date}`, { lotId: lot.id, expiryDate: lot.expiry_date });
}

/** A replayed client id must name the same movement; anything else is a client bug worth refusing loudly. */
export function assertSameMovement(existing: EventRow, kind: EventKind, lotId: string | null, forStoreId: string | null = null): void {
  if (existing.kind !== kind || (lotId !== null && existing.lot_id !== lotId) || (forStoreId !== null && existing.for_store_id !== forStoreId)) {
    throw conflict('client_id_reused', 'This clientId was already used for a different movement in this store', { field: 'clientId', eventId: existing.id });
  }
}

/**
 * Whether a failed movement may be a retry that lost to its own original: the unique violation of (store_id,
 * client_id), or a refusal for want of stock taken by the original (it held the lock first). The caller then
 * looks the client id up and answers the original when there is one.
 */
export function isClientIdRace(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return (e?.code === '23505' && e.constraint === 'stock_events_store_id_client_id_key') || e?.code === 'insufficient_stock' || e?.code === 'reservation_exceeded';
}
