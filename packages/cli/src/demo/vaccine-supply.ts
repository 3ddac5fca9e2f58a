import { bulkInsert, uuidv7, type BulkRow, type Connection } from '@sen/db';
import { CATALOG_VERSIONS, findVaccine } from '@sen/domain';
import type { Deps } from '@sen/server';

/**
 * Demo vaccine supply: lots of the vaccines used in 2021, a store at every level (national, one per province with
 * demo people, one per site commune, one per site) and one vaccination site per province (Phường Ba Đình for Hà Nội,
 * where the demo vaccination staff work; elsewhere the commune with most demo people), with stock moving down the
 * chain through the ledger: received at the national store, shipped and confirmed province -> commune -> site.
 * Every balance equals the sum of its ledger events and balance_after runs in event order, as the use cases write
 * them. Written in bulk. Safe to run twice: nothing is added when the demo lots exist.
 */

export const DEMO_LOT_PREFIX = 'DEMO-';

/** The lots the demo campaign uses, one per vaccine, valid through the campaign. */
export const DEMO_LOTS = [
  { vaccine: 'astrazeneca', lotNumber: 'DEMO-AZ-2601', expiry: '2027-12-31' },
  { vaccine: 'pfizer', lotNumber: 'DEMO-PF-2601', expiry: '2027-06-30' },
  { vaccine: 'moderna', lotNumber: 'DEMO-MD-2601', expiry: '2027-06-30' },
  { vaccine: 'verocell', lotNumber: 'DEMO-VC-2601', expiry: '2027-12-31' },
  { vaccine: 'janssen', lotNumber: 'DEMO-JS-2601', expiry: '2027-09-30' },
  { vaccine: 'abdala', lotNumber: 'DEMO-AB-2601', expiry: '2027-09-30' },
] as const;
/** A lot recalled at the national store before any dose left it (shows recall in the console). */
const RECALLED_LOT = { vaccine: 'astrazeneca', lotNumber: 'DEMO-AZ-2599', expiry: '2027-03-31' };

export interface DemoSite {
  siteId: string;
  storeId: string;
  areaCode: string;
  areaPath: string;
  provinceCode: string;
}

export interface DemoSupplySummary {
  created: boolean;
  lots: number;
  stores: number;
  sites: number;
  stockEvents: number;
}

const DAY_MS = 86_400_000;
const vaccineOf = (code: string) => findVaccine(CATALOG_VERSIONS[CATALOG_VERSIONS.length - 1]!, code)!;
const roundUpToVials = (doses: number, perVial: number) => Math.ceil(doses / perVial) * perVial;

/** The demo sites, once the supply exists (the campaign calls this). */
export async function demoSites(conn: Connection): Promise<DemoSite[]> {
  const r = await conn.pool.query<DemoSite>(`
    SELECT s.id AS "siteId", s.store_id AS "storeId", s.area_code AS "areaCode", s.area_path::text AS "areaPath", subpath(s.area_path, 1, 1)::text AS "provinceCode"
    FROM vaccination_sites s WHERE s.name LIKE 'Điểm tiêm % (demo)' ORDER BY s.area_code`);
  return r.rows;
}

export async function demoLotIds(conn: Connection): Promise<Map<string, { id: string; dosesPerVial: number }>> {
  const r = await conn.pool.query<{ id: string; vaccine_code: string; doses_per_vial: number }>(
    `SELECT id, vaccine_code, doses_per_vial FROM vaccine_lots WHERE lot_number = ANY($1::text[])`, [DEMO_LOTS.map((l) => l.lotNumber)]);
  return new Map(r.rows.map((l) => [l.vaccine_code, { id: l.id, dosesPerVial: l.doses_per_vial }]));
}

interface Ledger {
  events: BulkRow[];
  balances: Map<string, number>;
}

function append(ledger: Ledger, e: { storeId: string; lotId: string; kind: string; doses: number; shipmentId?: string | null; at: Date; note?: string | null }) {
  const key = `${e.storeId}|${e.lotId}`;
  const after = (ledger.balances.get(key) ?? 0) + e.doses;
  if (after < 0) throw new Error(`demo ledger would go negative at ${key}`);
  ledger.balances.set(key, after);
  // id, store_id, lot_id, kind, doses, balance_after, discard_reason, shipment_id, session_ref, client_id, occurred_at, recorded_at, note
  ledger.events.push([uuidv7(), e.storeId, e.lotId, e.kind, e.doses, after, null, e.shipmentId ?? null, null, null, e.at, e.at, e.note ?? null]);
}

export const STOCK_EVENT_COLUMNS = ['id', 'store_id', 'lot_id', 'kind', 'doses', 'balance_after', 'discard_reason', 'shipment_id', 'session_ref', 'client_id', 'occurred_at', 'recorded_at', 'note'] as const;

export async function loadDemoVaccineSupply(conn: Connection, _deps: Deps, opts: { seed: number | string; log?: (s: string) => void; now?: Date }): Promise<DemoSupplySummary> {
  const existing = await conn.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM vaccine_lots WHERE lot_number LIKE 'DEMO-%'`);
  if ((existing.rows[0]?.n ?? 0) > 0) return { created: false, lots: 0, stores: 0, sites: 0, stockEvents: 0 };
  const now = opts.now ?? new Date();
  const at = (daysBack: number) => new Date(now.getTime() - daysBack * DAY_MS);

  // Adults per commune and province, to place sites and size the stock.
  const communes = (await conn.pool.query<{ code: string; path: string; province: string; adults: number }>(`
    SELECT p.commune_code AS code, p.area_path::text AS path, subpath(p.area_path, 1, 1)::text AS province, count(*)::int AS adults
    FROM people p WHERE p.merged_into IS NULL AND p.area_path IS NOT NULL AND p.commune_code IS NOT NULL AND p.birth_year <= extract(year from now())::int - 18
    GROUP BY 1, 2, 3 ORDER BY province, adults DESC, code`)).rows;
  const byProvince = new Map<string, { code: string; path: string; adults: number }[]>();
  for (const c of communes) {
    const list = byProvince.get(c.province) ?? [];
    list.push(c);
    byProvince.set(c.province, list);
  }
  const baDinh = (await conn.pool.query<{ code: string; path: string }>(`SELECT code, path::text AS path FROM areas WHERE code = '00004' AND path <@ 'VN.01'::ltree AND kind = 'commune'`)).rows[0];

  const lots = [...DEMO_LOTS, RECALLED_LOT].map((l) => ({ ...l, id: uuidv7(), dosesPerVial: vaccineOf(l.vaccine).defaultDosesPerVial }));
  await bulkInsert(conn, 'vaccine_lots', ['id', 'vaccine_code', 'lot_number', 'expiry_date', 'doses_per_vial', 'created_at'], lots.map((l) => [l.id, l.vaccine, l.lotNumber, l.expiry, l.dosesPerVial, at(70)]));

  const national = (await conn.pool.query<{ path: string }>(`SELECT path::text AS path FROM areas WHERE code = 'VN'`)).rows[0]?.path ?? 'VN';
  const stores: BulkRow[] = [];
  const sites: BulkRow[] = [];
  const addStore = (name: string, level: string, areaCode: string, areaPath: string, parent: string | null, createdAt: Date) => {
    const id = uuidv7();
    stores.push([id, name, level, areaCode, areaPath, parent, createdAt]);
    return id;
  };
  const nationalStore = addStore('Kho vắc xin quốc gia (demo)', 'national', 'VN', national, null, at(70));
  // Per province: its store, and one site (with commune and site stores); doses per lot sized so that every adult
  // of the province could take three doses of one lot (the most one person takes of a single lot), plus opened vials.
  const plan: { provinceStore: string; communeStore: string; siteStore: string; adults: number }[] = [];
  for (const [province, list] of byProvince) {
    const total = list.reduce((n, c) => n + c.adults, 0);
    const place = province === '01' && baDinh ? { code: baDinh.code, path: baDinh.path } : list[0]!;
    const provinceName = (await conn.pool.query<{ name: string }>(`SELECT name FROM areas WHERE code = $1`, [province])).rows[0]?.name ?? province;
    const communeName = (await conn.pool.query<{ name: string }>(`SELECT name FROM areas WHERE code = $1`, [place.code])).rows[0]?.name ?? place.code;
    const provinceStore = addStore(`Kho vắc xin ${provinceName} (demo)`, 'province', province, `VN.${province}`, nationalStore, at(65));
    const communeStore = addStore(`Kho vắc xin ${communeName} (demo)`, 'commune', place.code, place.path, provinceStore, at(60));
    const siteStore = addStore(`Tủ lạnh điểm tiêm ${communeName} (demo)`, 'site', place.code, place.path, communeStore, at(55));
    sites.push([uuidv7(), 'fixed', `Điểm tiêm ${communeName} (demo)`, place.code, place.path, 'Trạm y tế', 120, [1, 2, 3, 4, 5, 6, 7], '07:00', '18:00', siteStore, at(55), at(55)]);
    plan.push({ provinceStore, communeStore, siteStore, adults: total });
  }
  await bulkInsert(conn, 'vaccine_stores', ['id', 'name', 'level', 'area_code', 'area_path', 'parent_store_id', 'created_at'], stores);
  await bulkInsert(conn, 'vaccination_sites', ['id', 'kind', 'name', 'area_code', 'area_path', 'address', 'capacity_per_hour', 'opening_days', 'opens_at', 'closes_at', 'store_id', 'created_at', 'updated_at'], sites);

  const ledger: Ledger = { events: [], balances: new Map() };
  const shipments: BulkRow[] = [];
  const ship = (from: string, to: string, lotId: string, doses: number, shippedAt: Date) => {
    const id = uuidv7();
    const receivedAt = new Date(shippedAt.getTime() + DAY_MS / 2);
    shipments.push([id, from, to, lotId, doses, 'received', shippedAt, receivedAt]);
    append(ledger, { storeId: from, lotId, kind: 'ship_out', doses: -doses, shipmentId: id, at: shippedAt });
    append(ledger, { storeId: to, lotId, kind: 'ship_in', doses, shipmentId: id, at: receivedAt });
  };
  for (const lot of lots) {
    const recalled = lot.lotNumber === RECALLED_LOT.lotNumber;
    // Plus vials for what sessions open and discard (up to one vial per lot per session, ~45 sessions a site):
    // with few people per province that rounding dominates.
    const site = plan.map((p) => roundUpToVials(Math.ceil(p.adults * 3 * 1.05) + 60 * lot.dosesPerVial, lot.dosesPerVial));
    const commune = site.map((d) => roundUpToVials(Math.ceil(d * 1.05), lot.dosesPerVial));
    const province = commune.map((d) => roundUpToVials(Math.ceil(d * 1.05), lot.dosesPerVial));
    const total = recalled ? 5_000 : roundUpToVials(Math.ceil(province.reduce((a, b) => a + b, 0) * 1.1), lot.dosesPerVial);
    append(ledger, { storeId: nationalStore, lotId: lot.id, kind: 'receive', doses: total, at: at(60), note: 'Tiếp nhận từ nhà sản xuất (demo)' });
    if (recalled) continue;
    plan.forEach((p, i) => {
      ship(nationalStore, p.provinceStore, lot.id, province[i]!, at(56));
      ship(p.provinceStore, p.communeStore, lot.id, commune[i]!, at(52));
      ship(p.communeStore, p.siteStore, lot.id, site[i]!, at(48));
    });
  }
  await bulkInsert(conn, 'shipments', ['id', 'from_store_id', 'to_store_id', 'lot_id', 'doses', 'status', 'shipped_at', 'received_at'], shipments);
  await bulkInsert(conn, 'stock_events', STOCK_EVENT_COLUMNS, ledger.events);
  await bulkInsert(conn, 'stock_balances', ['store_id', 'lot_id', 'doses_on_hand', 'updated_at'], [...ledger.balances].map(([key, n]) => [...key.split('|'), n, now]));
  const recalled = lots.find((l) => l.lotNumber === RECALLED_LOT.lotNumber)!;
  await conn.pool.query(`UPDATE vaccine_lots SET recalled_at = $2, recall_reason = 'Sai lệch nhiệt độ bảo quản (demo)' WHERE id = $1`, [recalled.id, at(58)]);
  opts.log?.(`  vaccine supply: ${lots.length} lots, ${stores.length} stores, ${sites.length} sites, ${ledger.events.length} stock events`);
  return { created: true, lots: lots.length, stores: stores.length, sites: sites.length, stockEvents: ledger.events.length };
}
