import { bulkInsert, uuidv7, type BulkRow, type Connection } from '@sen/db';
import { declarationWarnings, DECLARATION_RULE_VERSION, vnDayOf, vnDayStart, vnToday, type RiskArea } from '@sen/domain';
import type { Deps } from '@sen/server';
import { createRng, type Rng } from './random';
import { venuePlacer } from './venue-points';

/**
 * Demo venues and check-ins (issue 5): a few hundred venues in the communes with most demo people (those of the
 * demo commune owned by the business administrator `doanhnghiep`, the rest registered for the national
 * administrator account `admin`, standing in for owners without an account), three weeks of check-ins for a share
 * of the people there at realistic hours for each kind of venue, written in bulk into the daily partitions; some
 * health declarations (a few with warning symptoms, and travel from one commune on the risk list) with their
 * alerts; and one planted positive person in the demo commune whose visits have known contacts (close, brief and
 * "within 60 minutes"), including the demo citizen `nguoidan`.
 *
 * Runs after the population and the demo users. Safe to run twice: the summary is kept in `settings` and a second
 * run returns it without adding anything.
 */

export const VENUES_CHECKINS_SETTING = 'demo.venues_checkins';

export interface VenuesCheckinsOptions {
  seed: number | string;
  log?: (line: string) => void;
  /** Venues to make (default 300). */
  venues?: number;
  /** Days of check-ins before now (default 21; within the retention, SEN_CHECKINS_RETENTION_DAYS). */
  days?: number;
  /** Share of the people of the venue communes who check in (default 0.3: the bulk load into the partitioned table is the slow part on PGlite). */
  activeShare?: number;
  now?: Date;
}

export interface PlantedPositive {
  personId: string;
  fullName: string;
  idNumber: string | null;
  communeCode: string;
  /** The positive's visits: venue, arrival, departure (ISO). */
  visits: { venueId: string; venueName: string; checkedInAt: string; checkedOutAt: string }[];
  /** People planted as overlapping the positive for 10 minutes or more. */
  closeContactIds: string[];
  /** Overlapping for less than 10 minutes. */
  briefContactIds: string[];
  /** Present within 60 minutes before or after, without overlap (PC-COVID's rule finds them, overlap rules do not). */
  nearbyIds: string[];
  /** The demo citizen's person (nguoidan), one of the close contacts, when linked. */
  citizenPersonId: string | null;
}

export interface VenuesCheckinsSummary {
  created: boolean;
  venues: number;
  venuesOwnedByBusinessAdmin: number;
  checkins: number;
  declarations: number;
  alerts: number;
  riskAreaCode: string | null;
  planted: PlantedPositive | null;
  /** The demo commune's venue where the planted positive was, owned by doanhnghiep (for the e2e test). */
  plantedVenueId: string | null;
  ms: number;
}

const MIN = 60_000;
const DAY = 86_400_000;

type VenueType = 'business' | 'market' | 'agency' | 'school' | 'transport' | 'checkpoint' | 'event';

/** Visiting hours (Viet Nam local, [from, to) in hours, weight) and visit length (minutes) by kind of venue. */
const PROFILE: Record<VenueType, { share: number; hours: [number, number, number][]; stay: [number, number]; defaultVisit: number }> = {
  business: { share: 58, hours: [[7, 9, 2], [11, 13, 4], [17, 21, 4]], stay: [20, 90], defaultVisit: 45 },
  market: { share: 8, hours: [[5, 9, 6], [15, 18, 3]], stay: [15, 60], defaultVisit: 40 },
  agency: { share: 10, hours: [[8, 11, 5], [13, 16, 4]], stay: [15, 90], defaultVisit: 60 },
  school: { share: 10, hours: [[6, 8, 6], [16, 17, 4]], stay: [5, 20], defaultVisit: 30 },
  transport: { share: 6, hours: [[5, 22, 1]], stay: [15, 60], defaultVisit: 30 },
  checkpoint: { share: 2, hours: [[0, 24, 1]], stay: [2, 10], defaultVisit: 10 },
  event: { share: 6, hours: [[8, 11, 3], [18, 21, 4]], stay: [60, 180], defaultVisit: 120 },
};
const TYPES = Object.keys(PROFILE) as VenueType[];

const SHOPS = ['Quán phở', 'Quán cà phê', 'Cửa hàng tiện lợi', 'Tiệm bánh mì', 'Nhà hàng', 'Siêu thị mini', 'Nhà thuốc', 'Quán bún chả', 'Tiệm tạp hóa', 'Quán cơm', 'Tiệm cắt tóc', 'Quán bia hơi'];
const OWNER_NAMES = ['Hương', 'Minh', 'Lan', 'Tuấn', 'Hà', 'Bình', 'Thảo', 'Long', 'Hoa', 'Nam', 'Đức', 'Yến', 'Phúc', 'Ngọc', 'Sơn', 'Trang'];
const STREETS = ['Hoàng Diệu', 'Phan Đình Phùng', 'Nguyễn Thái Học', 'Lê Lợi', 'Trần Hưng Đạo', 'Hai Bà Trưng', 'Quang Trung', 'Lý Thường Kiệt', 'Nguyễn Trãi', 'Lê Duẩn', 'Điện Biên Phủ', 'Nguyễn Du'];

function venueName(rng: Rng, type: VenueType, commune: string, serial: number): string {
  const short = commune.replace(/^(Phường|Xã|Thị trấn|Đặc khu)\s+/u, '');
  switch (type) {
    case 'business': return `${rng.pick(SHOPS)} ${rng.pick(OWNER_NAMES)}`;
    case 'market': return serial === 0 ? `Chợ ${short}` : `Chợ ${short} ${serial + 1}`;
    case 'agency': return rng.pick([`UBND ${commune}`, `Bưu điện ${short}`, `Công an ${commune}`, `Trạm Y tế ${commune}`]);
    case 'school': return `${rng.pick(['Trường Mầm non', 'Trường Tiểu học', 'Trường THCS', 'Trường THPT'])} ${short}${serial ? ` ${serial + 1}` : ''}`;
    case 'transport': return rng.pick([`Bến xe ${short}`, `Điểm dừng xe buýt ${short}`, `Bến đò ${short}`]);
    case 'checkpoint': return `Chốt kiểm soát ${short}`;
    case 'event': return rng.pick([`Nhà văn hóa ${short}`, `Sân vận động ${short}`, `Trung tâm tiệc cưới ${rng.pick(OWNER_NAMES)}`]);
  }
}

function pickWeighted<T>(rng: Rng, items: readonly T[], weight: (t: T) => number): T {
  const total = items.reduce((s, t) => s + weight(t), 0);
  let x = rng.next() * total;
  for (const t of items) {
    x -= weight(t);
    if (x < 0) return t;
  }
  return items[items.length - 1]!;
}

/** The start (UTC instant, ms) of the Viet Nam day `daysAgo` days before `now`'s. */
const dayStartMs = (now: Date, daysAgo: number) => vnDayStart(vnToday(now)).getTime() - daysAgo * DAY;
const vnDate = (at: number) => vnDayOf(new Date(at));

interface DemoVenue {
  id: string;
  name: string;
  type: VenueType;
  communeCode: string;
  areaPath: string;
}

const CHECKIN_COLUMNS = ['id', 'venue_id', 'person_id', 'checked_in_at', 'checked_out_at', 'source', 'client_id'] as const;

/** What the demo planted (the positive, their contacts and venue), for the tracing demo and the e2e test; null before the demo ran. */
export async function demoVenuesCheckins(conn: Connection): Promise<VenuesCheckinsSummary | null> {
  const r = await conn.pool.query<{ value: VenuesCheckinsSummary }>('SELECT value FROM settings WHERE key = $1', [VENUES_CHECKINS_SETTING]);
  return r.rows[0]?.value ?? null;
}

export async function seedVenuesCheckins(conn: Connection, deps: Deps, opts: VenuesCheckinsOptions): Promise<VenuesCheckinsSummary> {
  const started = Date.now();
  const log = opts.log;
  const done = await demoVenuesCheckins(conn);
  if (done) {
    log?.('Demo venues and check-ins exist already.');
    return { ...done, created: false };
  }
  const now = opts.now ?? new Date();
  const retentionDays = deps.config.SEN_CHECKINS_RETENTION_DAYS;
  const days = Math.min(opts.days ?? 21, retentionDays - 1);
  const rng = createRng(`${String(opts.seed)}:venues-checkins`);
  // Points come from a stream of their own, so the rest of the demo stays the same with or without them.
  const gazetteer = (await conn.pool.query<{ value: string }>(`SELECT value FROM settings WHERE key = 'gazetteer'`)).rows[0]?.value ?? '';
  const place = venuePlacer(gazetteer, createRng(`${String(opts.seed)}:venue-points`));

  const users = await conn.pool.query<{ id: string; username: string; person_id: string | null; area_code: string | null }>(
    `SELECT u.id, u.username, u.person_id, (SELECT r.area_code FROM user_roles r WHERE r.user_id = u.id ORDER BY r.area_code LIMIT 1) AS area_code
       FROM users u WHERE u.username IN ('doanhnghiep', 'admin', 'nguoidan')`);
  const user = (name: string) => users.rows.find((u) => u.username === name);
  const business = user('doanhnghiep');
  const admin = user('admin');
  if (!business || !admin) throw new Error('The demo venues need the demo accounts (doanhnghiep, admin): create them first');
  const citizen = user('nguoidan');
  const demoCommune = business.area_code!;

  // The communes with most demo people, the business administrator's first.
  const communes = (
    await conn.pool.query<{ code: string; path: string; name: string; people: number }>(`
      WITH counted AS (SELECT commune_code AS code, count(*)::int AS people FROM people WHERE merged_into IS NULL AND area_path IS NOT NULL GROUP BY 1)
      SELECT a.code, a.path::text AS path, a.name, coalesce(c.people, 0)::int AS people
        FROM areas a LEFT JOIN counted c ON c.code = a.code
       WHERE a.kind = 'commune' AND (a.code = $1 OR c.people > 0)
       ORDER BY (a.code = $1) DESC, coalesce(c.people, 0) DESC, a.code LIMIT 80`, [demoCommune])
  ).rows;
  if (communes.length < 2) throw new Error('The demo venues need demo people: load the population first');

  // Venues: about one per 15 residents of the chosen communes, at least 2 per commune, 25 in the demo commune.
  const wanted = opts.venues ?? 300;
  const residents = communes.reduce((s, c) => s + c.people, 0);
  const venues: DemoVenue[] = [];
  const venueRows: BulkRow[] = [];
  let ownedByBusiness = 0;
  for (const [ci, c] of communes.entries()) {
    const n = ci === 0 ? Math.max(25, Math.round((wanted * c.people) / residents)) : Math.max(2, Math.round((wanted * c.people) / residents));
    const serial = new Map<VenueType, number>();
    for (let i = 0; i < n && venues.length < wanted + 25; i++) {
      const type = i === 0 ? 'market' : pickWeighted(rng, TYPES, (t) => PROFILE[t].share);
      const k = serial.get(type) ?? 0;
      serial.set(type, k + 1);
      const v: DemoVenue = { id: uuidv7(now.getTime() - 40 * DAY + venues.length), name: venueName(rng, type, c.name, k), type, communeCode: c.code, areaPath: c.path };
      // The business administrator runs the demo commune's shops and market (their jurisdiction).
      const owner = c.code === demoCommune && (type === 'business' || type === 'market') ? business.id : admin.id;
      if (owner === business.id) ownedByBusiness++;
      venues.push(v);
      const point = place?.(c.path.split('.')[1]!, c.code) ?? null;
      venueRows.push([
        v.id, v.name, type, `Số ${rng.range(1, 250)} ${rng.pick(STREETS)}`, c.code, c.path, owner, type === 'checkpoint' ? '24/7' : '6:00-22:00',
        PROFILE[type].defaultVisit, true, new Date(now.getTime() - 40 * DAY), admin.id, point?.latitude ?? null, point?.longitude ?? null,
      ]);
    }
  }
  await bulkInsert(conn, 'venues', ['id', 'name', 'type', 'address', 'commune_code', 'area_path', 'owner_user_id', 'opening_hours', 'default_visit_minutes', 'active', 'created_at', 'created_by', 'latitude', 'longitude'], venueRows);
  log?.(`  ${venues.length} demo venues in ${communes.length} communes (${ownedByBusiness} run by doanhnghiep)`);

  // The daily partitions from the retention cut-off to a few days ahead must exist before the bulk load.
  await conn.pool.query('SELECT sen_checkins_maintain(3, $1)', [retentionDays]);

  const pathOf = new Map(communes.map((c) => [c.code, c.path]));
  const byCommune = new Map<string, DemoVenue[]>();
  const byProvince = new Map<string, DemoVenue[]>();
  for (const v of venues) {
    byCommune.set(v.communeCode, [...(byCommune.get(v.communeCode) ?? []), v]);
    const province = v.areaPath.split('.')[1]!;
    byProvince.set(province, [...(byProvince.get(province) ?? []), v]);
  }
  const people = (
    await conn.pool.query<{ id: string; commune_code: string; full_name: string; adult: boolean }>(`
      SELECT p.id, p.commune_code, p.full_name, coalesce(p.birth_year <= extract(year from now())::int - 16, true) AS adult
        FROM people p WHERE p.merged_into IS NULL AND p.commune_code = ANY($1::text[]) ORDER BY p.search_name, p.birth_date, p.id`, [communes.map((c) => c.code)])
  ).rows;

  // The planted positive: an adult of the demo commune without an account (else of its province). Their contacts
  // come from the province's venue communes: people visit venues outside their own commune.
  const provinceOf = (code: string) => pathOf.get(code)!.split('.')[1]!;
  const demoProvince = provinceOf(demoCommune);
  const candidates = people.filter((p) => p.adult && p.id !== citizen?.person_id);
  const demoPeople = candidates.filter((p) => p.commune_code === demoCommune);
  const provincePeople = candidates.filter((p) => provinceOf(p.commune_code) === demoProvince);
  const positive = (demoPeople.length ? demoPeople : provincePeople.length ? provincePeople : candidates)[rng.int(demoPeople.length || provincePeople.length || candidates.length)]!;
  const latest = now.getTime() - 10 * MIN;
  const checkins: BulkRow[] = [];
  const add = (venueId: string, personId: string, inAt: number, outAt: number | null, source: string) => {
    checkins.push([uuidv7(inAt), venueId, personId, new Date(inAt), outAt === null ? null : new Date(outAt), source, `demo-${uuidv7(inAt)}`]);
  };

  const active = people.filter((p) => p.id !== positive.id && rng.chance(opts.activeShare ?? 0.3));
  for (const p of active) {
    const local = byCommune.get(p.commune_code) ?? [];
    const around = byProvince.get(provinceOf(p.commune_code)) ?? local;
    if (around.length === 0) continue;
    // A few regular places, most near home; now and then somewhere else in the province.
    const regulars = Array.from({ length: rng.range(2, 5) }, () => (local.length && rng.chance(0.7) ? rng.pick(local) : rng.pick(around)));
    for (let d = days; d >= 0; d--) {
      const r = rng.next();
      const visits = r < 0.35 ? 0 : r < 0.75 ? 1 : r < 0.95 ? 2 : 3;
      for (let k = 0; k < visits; k++) {
        const v = rng.chance(0.8) ? rng.pick(regulars) : rng.pick(around);
        const prof = PROFILE[v.type];
        const [from, to] = pickWeighted(rng, prof.hours, (h) => h[2]);
        const inAt = dayStartMs(now, d) + (from * 60 + rng.int((to - from) * 60)) * MIN;
        if (inAt > latest) continue;
        const outAt = rng.chance(0.6) ? Math.min(inAt + rng.range(prof.stay[0], prof.stay[1]) * MIN, now.getTime()) : null;
        add(v.id, p.id, inAt, outAt, rng.chance(0.7) ? 'self_scan' : rng.chance(0.85) ? 'venue_scan' : 'manual');
      }
    }
  }

  // The positive's visits over the 12 days before yesterday, each with known contacts.
  const demoVenues = byCommune.get(demoCommune) ?? byProvince.get(demoProvince)!;
  const businessVenues = venueRows.filter((r) => r[6] === business.id).map((r) => demoVenues.find((v) => v.id === r[0])!);
  const plantedVenue = businessVenues[0] ?? demoVenues[0]!;
  const pool = (provincePeople.length > 30 ? provincePeople : candidates).filter((p) => p.id !== positive.id);
  const close = new Set<string>();
  const brief = new Set<string>();
  const nearby = new Set<string>();
  const visits: PlantedPositive['visits'] = [];
  const regularsOfPositive = Array.from({ length: 8 }, () => rng.pick(pool));
  for (let i = 0; i < 8; i++) {
    const v = i % 3 === 0 ? plantedVenue : rng.pick(demoVenues);
    const d = 12 - i;
    const [from, to] = pickWeighted(rng, PROFILE[v.type].hours, (h) => h[2]);
    const inAt = dayStartMs(now, d) + (from * 60 + rng.int(Math.max(1, (to - from) * 60 - 90))) * MIN;
    const outAt = inAt + rng.range(45, 90) * MIN;
    add(v.id, positive.id, inAt, outAt, i % 2 ? 'venue_scan' : 'self_scan');
    visits.push({ venueId: v.id, venueName: v.name, checkedInAt: new Date(inAt).toISOString(), checkedOutAt: new Date(outAt).toISOString() });
    // Close: overlap of 15 minutes or more. Some are the positive's regular company (repeated contact).
    for (let k = rng.range(3, 5); k > 0; k--) {
      const who = rng.chance(0.4) ? rng.pick(regularsOfPositive) : rng.pick(pool);
      const start = inAt + rng.range(-20, 20) * MIN;
      add(v.id, who.id, start, Math.max(start + 20 * MIN, inAt + 15 * MIN + rng.range(0, 30) * MIN), 'self_scan');
      close.add(who.id);
    }
    // Brief: overlap of 5 minutes (left just after the positive arrived).
    const b = rng.pick(pool);
    add(v.id, b.id, inAt - 30 * MIN, inAt + 5 * MIN, 'venue_scan');
    brief.add(b.id);
    // Nearby: left 30 minutes before the positive arrived (inside PC-COVID's 60 minutes, no overlap).
    const n = rng.pick(pool);
    add(v.id, n.id, inAt - 70 * MIN, inAt - 30 * MIN, 'self_scan');
    nearby.add(n.id);
  }
  if (citizen?.person_id) {
    const first = visits[0]!;
    const inAt = Date.parse(first.checkedInAt) + 10 * MIN;
    add(first.venueId, citizen.person_id, inAt, inAt + 30 * MIN, 'self_scan');
    close.add(citizen.person_id);
  }
  for (const id of close) {
    brief.delete(id);
    nearby.delete(id);
  }
  for (const id of brief) nearby.delete(id);
  await bulkInsert(conn, 'checkins', CHECKIN_COLUMNS, checkins);
  log?.(`  ${checkins.length.toLocaleString('en')} check-ins over ${days + 1} days for ${active.length.toLocaleString('en')} people`);

  // Declarations: a commune of the list on the risk list, a few travellers from it, daily declarations with some
  // warning symptoms, and the positive's own fever three days ago.
  const riskCommune = communes[1] ?? null;
  const riskAreas: RiskArea[] = riskCommune ? [{ path: riskCommune.path, since: vnDate(dayStartMs(now, 10)), until: null }] : [];
  if (riskCommune) {
    await conn.pool.query(
      `INSERT INTO risk_areas (area_path, level, since, until, created_by) VALUES ($1::ltree, 'high', $2::date, NULL, $3) ON CONFLICT (area_path) DO NOTHING`,
      [riskCommune.path, riskAreas[0]!.since, admin.id]);
  }
  const declRows: BulkRow[] = [];
  const alertRows: BulkRow[] = [];
  const declare = (personId: string, communeCode: string, kind: string, daysAgo: number, symptoms: string[], answers: Record<string, unknown>, origins: { areaPath: string; on: string }[]) => {
    const at = Math.min(dayStartMs(now, daysAgo) + rng.range(6 * 60, 21 * 60) * MIN, latest);
    const id = uuidv7(at);
    const warnings = declarationWarnings({ symptoms, exposures: (answers.exposures as string[]) ?? [], travelOrigins: origins }, riskAreas);
    const path = pathOf.get(communeCode)!;
    const self = personId === citizen?.person_id;
    declRows.push([id, personId, kind, path, vnDate(at), symptoms, answers, warnings, DECLARATION_RULE_VERSION, self ? citizen!.id : admin.id, !self, new Date(at)]);
    if (warnings.length) alertRows.push([uuidv7(at), id, personId, path, warnings, daysAgo > 1 && rng.chance(0.5) ? 'acknowledged' : 'open', new Date(at)]);
  };
  const WARN = ['fever', 'cough', 'breathlessness', 'loss_of_taste_smell', 'sore_throat'];
  const MILD = ['headache', 'fatigue', 'runny_nose', 'muscle_pain'];
  for (const p of people) {
    if (!rng.chance(0.05)) continue;
    const r = rng.next();
    const symptoms = r < 0.05 ? [rng.pick(WARN), ...(rng.chance(0.5) ? [rng.pick(MILD)] : [])] : r < 0.12 ? [rng.pick(MILD)] : [];
    const exposures = rng.chance(0.01) ? ['f0_contact'] : [];
    declare(p.id, p.commune_code, 'daily', rng.range(0, 2), [...new Set(symptoms)], { exposures, travelledFrom: [] }, []);
  }
  if (riskCommune) {
    const travellers = people.filter((p) => p.commune_code !== riskCommune.code).slice(0, 400).filter(() => rng.chance(0.02));
    for (const p of travellers) {
      const daysAgo = rng.range(1, 6);
      const on = vnDate(dayStartMs(now, daysAgo));
      declare(p.id, p.commune_code, 'domestic_travel', daysAgo, [], { exposures: [], fromAreaCode: riskCommune.code, toAreaCode: p.commune_code, vehicle: rng.pick(['bus', 'car', 'motorbike']), vehicleNumber: null, travelDate: on }, [{ areaPath: riskCommune.path, on }]);
    }
  }
  declare(positive.id, positive.commune_code, 'daily', 3, ['fever', 'cough'], { exposures: [], travelledFrom: [] }, []);
  await bulkInsert(conn, 'health_declarations', ['id', 'person_id', 'kind', 'area_path', 'declared_for', 'symptoms', 'answers', 'warnings', 'rule_version', 'declared_by', 'on_behalf', 'created_at'], declRows);
  await bulkInsert(conn, 'declaration_alerts', ['id', 'declaration_id', 'person_id', 'area_path', 'reasons', 'status', 'created_at'], alertRows);
  log?.(`  ${declRows.length} health declarations, ${alertRows.length} alerts`);

  const idNumber = (await conn.pool.query<{ value: string }>(`SELECT value FROM person_identifiers WHERE person_id = $1 ORDER BY (kind = 'cccd') DESC, kind LIMIT 1`, [positive.id])).rows[0]?.value ?? null;
  const planted: PlantedPositive = {
    personId: positive.id, fullName: positive.full_name, idNumber, communeCode: positive.commune_code, visits,
    closeContactIds: [...close], briefContactIds: [...brief], nearbyIds: [...nearby], citizenPersonId: citizen?.person_id ?? null,
  };
  const summary: VenuesCheckinsSummary = {
    created: true, venues: venues.length, venuesOwnedByBusinessAdmin: ownedByBusiness, checkins: checkins.length, declarations: declRows.length, alerts: alertRows.length,
    riskAreaCode: riskCommune?.code ?? null, planted, plantedVenueId: plantedVenue.id, ms: Date.now() - started,
  };
  await conn.pool.query(`INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO NOTHING`, [VENUES_CHECKINS_SETTING, JSON.stringify(summary)]);
  log?.(`  planted positive: ${planted.fullName} (${planted.idNumber ?? planted.personId}), ${close.size} close contacts, at ${plantedVenue.name}`);
  return summary;
}
