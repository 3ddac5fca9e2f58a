import { sql, type Database, type DB, type Transaction } from '@sen/db';
import { catalogAt, findVaccine, vnToday } from '@sen/domain';
import type { EventKind, StoreLevel } from './schemas';

type Db = Database | Transaction<DB>;

export interface LotRow {
  id: string;
  vaccine_code: string;
  lot_number: string;
  expiry_date: string;
  doses_per_vial: number;
  recalled_at: Date | null;
  recall_reason: string | null;
  created_at: Date;
}

export interface StoreRow {
  id: string;
  name: string;
  level: string;
  area_code: string;
  area_path: string;
  parent_store_id: string | null;
  created_at: Date;
}

export interface EventRow {
  id: string;
  store_id: string;
  lot_id: string;
  kind: string;
  doses: number;
  balance_after: number;
  discard_reason: string | null;
  shipment_id: string | null;
  session_ref: string | null;
  client_id: string | null;
  occurred_at: Date;
  recorded_at: Date;
  recorded_by: string | null;
  note: string | null;
  for_store_id: string | null;
  reserved_change: number;
}

export interface ShipmentRow {
  id: string;
  from_store_id: string;
  to_store_id: string;
  lot_id: string;
  doses: number;
  status: string;
  shipped_at: Date;
  received_at: Date | null;
}

export function selectLots(db: Db) {
  return db
    .selectFrom('vaccine_lots as l')
    .select(['l.id', 'l.vaccine_code', 'l.lot_number', sql<string>`l.expiry_date::text`.as('expiry_date'), 'l.doses_per_vial', 'l.recalled_at', 'l.recall_reason', 'l.created_at']);
}

export async function findLot(db: Db, id: string): Promise<LotRow | undefined> {
  return selectLots(db).where('l.id', '=', id).executeTakeFirst() as Promise<LotRow | undefined>;
}

export function selectStores(db: Db) {
  return db
    .selectFrom('vaccine_stores as s')
    .select(['s.id', 's.name', 's.level', 's.area_code', sql<string>`s.area_path::text`.as('area_path'), 's.parent_store_id', 's.created_at']);
}

export async function findStore(db: Db, id: string): Promise<StoreRow | undefined> {
  return selectStores(db).where('s.id', '=', id).executeTakeFirst();
}

export async function findEventByClientId(db: Db, storeId: string, clientId: string): Promise<EventRow | undefined> {
  return db.selectFrom('stock_events').selectAll().where('store_id', '=', storeId).where('client_id', '=', clientId).executeTakeFirst() as Promise<EventRow | undefined>;
}

export async function findShipment(db: Db, id: string, options: { forUpdate?: boolean } = {}): Promise<ShipmentRow | undefined> {
  let q = db.selectFrom('shipments').select(['id', 'from_store_id', 'to_store_id', 'lot_id', 'doses', 'status', 'shipped_at', 'received_at']).where('id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function shipmentEvent(db: Db, shipmentId: string, kind: 'ship_out' | 'ship_in'): Promise<EventRow | undefined> {
  return db.selectFrom('stock_events').selectAll().where('shipment_id', '=', shipmentId).where('kind', '=', kind).executeTakeFirst() as Promise<EventRow | undefined>;
}

/** Whether a lot is past its expiry date, on the Viet Nam calendar (a lot is usable through its expiry day). */
export function lotExpired(lot: Pick<LotRow, 'expiry_date'>, now: Date = new Date()): boolean {
  return lot.expiry_date < vnToday(now);
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export function lotView(r: LotRow) {
  return {
    id: r.id, vaccineCode: r.vaccine_code, vaccineName: findVaccine(catalogAt(new Date()), r.vaccine_code)?.nameEn ?? null, lotNumber: r.lot_number,
    expiryDate: r.expiry_date, dosesPerVial: r.doses_per_vial, recalledAt: r.recalled_at ? iso(r.recalled_at) : null, recallReason: r.recall_reason,
    createdAt: iso(r.created_at),
  };
}

export function storeView(r: StoreRow) {
  return { id: r.id, name: r.name, level: r.level as StoreLevel, areaCode: r.area_code, areaPath: r.area_path, parentStoreId: r.parent_store_id, createdAt: iso(r.created_at) };
}

export function eventView(r: EventRow) {
  return {
    id: r.id, storeId: r.store_id, lotId: r.lot_id, kind: r.kind as EventKind, doses: r.doses, balanceAfter: r.balance_after, discardReason: r.discard_reason,
    shipmentId: r.shipment_id, sessionRef: r.session_ref, clientId: r.client_id, occurredAt: iso(r.occurred_at), recordedAt: iso(r.recorded_at),
    recordedBy: r.recorded_by, note: r.note, forStoreId: r.for_store_id, reservedChange: r.reserved_change,
  };
}

export function shipmentView(r: ShipmentRow) {
  return {
    id: r.id, fromStoreId: r.from_store_id, toStoreId: r.to_store_id, lotId: r.lot_id, doses: r.doses, status: r.status as 'in_transit' | 'received' | 'cancelled',
    shippedAt: iso(r.shipped_at), receivedAt: r.received_at ? iso(r.received_at) : null,
  };
}
