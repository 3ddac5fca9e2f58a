import type { LightMyRequestResponse } from 'fastify';
import { sql } from '@sen/db';
import type { TestApp } from '../../testing/test-app';

/** Communes of the 2025 gazetteer: two in Hà Nội (01), one in Hồ Chí Minh (79). */
export const BA_DINH = '00004';
export const NGOC_HA = '00008';
export const THU_DAU_MOT = '25747';

export async function api(t: TestApp, cookie: string | null, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return t.app.inject({ method, url, headers: cookie ? { cookie } : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
}

export async function ok<T = Record<string, unknown>>(res: Promise<LightMyRequestResponse> | LightMyRequestResponse, status = 201): Promise<T> {
  const r = await res;
  if (r.statusCode !== status) throw new Error(`expected ${status}, got ${r.statusCode}: ${r.body}`);
  return r.json() as T;
}

let lotSerial = 0;

export async function createLot(t: TestApp, cookie: string, body: Record<string, unknown> = {}): Promise<{ id: string; lotNumber: string }> {
  lotSerial += 1;
  return ok(api(t, cookie, 'POST', '/api/vaccination/lots', { vaccineCode: 'astrazeneca', lotNumber: `AZ-${process.pid}-${lotSerial}`, expiryDate: '2099-12-31', ...body }));
}

export async function createStore(t: TestApp, cookie: string, level: string, areaCode: string, parentStoreId?: string): Promise<{ id: string }> {
  return ok(api(t, cookie, 'POST', '/api/vaccination/stores', { name: `Kho ${level} ${areaCode}`, level, areaCode, ...(parentStoreId ? { parentStoreId } : {}) }));
}

export async function onHand(t: TestApp, storeId: string, lotId: string): Promise<number> {
  const row = await t.conn.db.selectFrom('stock_balances').select('doses_on_hand').where('store_id', '=', storeId).where('lot_id', '=', lotId).executeTakeFirst();
  return row?.doses_on_hand ?? 0;
}

export async function countRows(t: TestApp, table: 'stock_events' | 'shipments' | 'vaccine_lots' | 'vaccine_stores' | 'stock_balances'): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.conn.db);
  return r.rows[0]!.n;
}

/** Every (store, lot) where the balance differs from the sum of its ledger events, or the ledger ever went below zero. */
export async function ledgerMismatches(t: TestApp): Promise<unknown[]> {
  const r = await sql`
    WITH sums AS (SELECT store_id, lot_id, sum(doses)::int AS total, min(balance_after) AS lowest FROM stock_events GROUP BY store_id, lot_id)
    SELECT b.store_id, b.lot_id, b.doses_on_hand, s.total, s.lowest
    FROM stock_balances b
    FULL JOIN sums s ON s.store_id = b.store_id AND s.lot_id = b.lot_id
    WHERE coalesce(b.doses_on_hand, 0) <> coalesce(s.total, 0) OR s.lowest < 0 OR b.doses_on_hand < 0`.execute(t.conn.db);
  return r.rows;
}
