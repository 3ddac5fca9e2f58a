import { bulkInsert, uuidv7, type BulkRow, type Connection } from '@sen/db';
import { catalogAt, evaluateDose, findVaccine, screen, vnDayOf, vnDayStart, vnToday, type DoseRecord, type ScreeningInput } from '@sen/domain';
import type { Deps } from '@sen/server';
import { createRng, type Rng } from './random';
import { demoLotIds, demoSites, loadDemoVaccineSupply, STOCK_EVENT_COLUMNS, type DemoSite } from './vaccine-supply';

/**
 * The demo vaccination campaign (issue 3): over the last six weeks, at the demo site of each province, sessions with
 * arrivals, screenings (some deferred, a few contraindicated), doses (first and second doses, Abdala's third, a few
 * AstraZeneca-then-Pfizer schedules and boosters after an older, backfilled series), 30-minute observations, a few
 * adverse events, no-shows (invitations never answered, when the invitations table exists) and a few unverified
 * backfills; today an open session in Phường Ba Đình with doses still under observation, and planned sessions for
 * the next days. Every dose is numbered and checked by the dose rules (evaluateDose) on its own day, as the API
 * would; vials are issued from the site store to each session and the opened remainder discarded, through the
 * ledger. Written in bulk. Safe to run twice: nothing is added when the campaign exists.
 * Runs after the people and the demo users (it creates the vaccine supply when missing: vaccine-supply.ts).
 */

export interface CampaignSummary {
  created: boolean;
  sessions: number;
  arrivals: number;
  screenings: number;
  deferred: number;
  doses: number;
  boosters: number;
  adverseEvents: number;
  noShows: number;
  unverifiedBackfills: number;
}

const DEMO_HASH = 'demo-campaign';
const DAY_MS = 86_400_000;
const CAMPAIGN_DAYS = 42;
const PRODUCT_WEIGHTS: [string, number][] = [['astrazeneca', 35], ['pfizer', 25], ['verocell', 18], ['moderna', 10], ['janssen', 6], ['abdala', 6]];
const MILD_SYMPTOMS = ['injection_site_pain', 'fever', 'headache', 'fatigue', 'myalgia', 'chills', 'nausea', 'dizziness'];

/** The instant the Viet Nam day n days before `now`'s begins. */
const dayStart = (now: Date, daysBack: number) => vnDayStart(vnDayOf(new Date(now.getTime() - daysBack * DAY_MS)));
const minutes = (at: Date, m: number) => new Date(at.getTime() + m * 60_000);

function pickProduct(rng: Rng, age: number): string {
  const total = PRODUCT_WEIGHTS.reduce((n, [, w]) => n + w, 0);
  let x = rng.next() * total;
  for (const [code, w] of PRODUCT_WEIGHTS) {
    x -= w;
    if (x < 0) return code === 'abdala' && (age < 19 || age > 65) ? 'pfizer' : code;
  }
  return 'pfizer';
}

interface Person { id: string; birth_date: string | null; area_path: string; province: string; birth_year: number }

export async function loadDemoVaccinationCampaign(conn: Connection, deps: Deps, opts: { seed: number | string; log?: (s: string) => void; now?: Date }): Promise<CampaignSummary> {
  const empty: CampaignSummary = { created: false, sessions: 0, arrivals: 0, screenings: 0, deferred: 0, doses: 0, boosters: 0, adverseEvents: 0, noShows: 0, unverifiedBackfills: 0 };
  const done = await conn.pool.query(`SELECT 1 FROM doses WHERE request_hash = $1 LIMIT 1`, [DEMO_HASH]);
  if (done.rows.length > 0) return empty;
  const now = opts.now ?? new Date();
  await loadDemoVaccineSupply(conn, deps, { seed: opts.seed, now, ...(opts.log ? { log: opts.log } : {}) });
  const sites = await demoSites(conn);
  const lots = await demoLotIds(conn);
  const siteOfProvince = new Map<string, DemoSite>(sites.map((s) => [s.provinceCode, s]));
  const rng = createRng(`${String(opts.seed)}:vaccination-campaign`);
  const catalog = catalogAt(now);
  const product = (code: string) => findVaccine(catalog, code)!.dcc.mp;
  const allProducts = [...lots.keys()].map(product);

  const people = (await conn.pool.query<Person>(`
    SELECT id, birth_date, area_path::text AS area_path, subpath(area_path, 1, 1)::text AS province, birth_year
    FROM people WHERE merged_into IS NULL AND area_path IS NOT NULL AND birth_year <= extract(year from now())::int - 18 ORDER BY id`)).rows;

  // Sessions are made on demand: one per site and Viet Nam day, 07:00-17:00.
  interface Session { id: string; site: DemoSite; day: Date; startsAt: Date; endsAt: Date; status: 'closed' | 'open' | 'planned'; perLot: Map<string, number> }
  const sessions = new Map<string, Session>();
  const sessionAt = (site: DemoSite, daysBack: number): Session => {
    const key = `${site.siteId}|${daysBack}`;
    let s = sessions.get(key);
    if (!s) {
      const day = dayStart(now, daysBack);
      s = { id: uuidv7(), site, day, startsAt: minutes(day, 7 * 60), endsAt: minutes(day, 17 * 60), status: daysBack > 0 ? 'closed' : daysBack === 0 ? 'open' : 'planned', perLot: new Map() };
      sessions.set(key, s);
    }
    return s;
  };

  const arrivals: BulkRow[] = [];
  const screenings: BulkRow[] = [];
  const doses: BulkRow[] = [];
  const events: BulkRow[] = [];
  const invitations: { session: Session; personId: string; status: 'arrived' | 'no_show' }[] = [];
  const summary = { ...empty, created: true };

  const recordScreening = (p: Person, s: Session, at: Date, input: Omit<ScreeningInput, 'on'>, vaccine: string) => {
    const result = screen({ ...input, on: at });
    if (result.outcome === 'invalid') throw new Error('demo screening input is invalid');
    screenings.push([uuidv7(), p.id, s.id, s.site.siteId, s.site.areaPath, at, result.ruleSetVersion, result.outcome, result.reasons.map((r) => r.code),
      input.vitals, { allergyHistory: input.allergyHistory ?? false, acuteIllness: input.acuteIllness ?? false, allergyToVaccine: input.allergyToVaccine ?? false }, vaccine, DEMO_HASH, at]);
    summary.screenings += 1;
    return result.outcome;
  };
  const normalVitals = () => ({ temperatureC: 36 + rng.int(12) / 10, pulse: 65 + rng.int(30), systolic: 105 + rng.int(30), diastolic: 65 + rng.int(20) });

  /** One visit: arrival, screening and (when allowed) a dose; returns the dose given or null. */
  const visit = (p: Person, history: DoseRecord[], daysBack: number, vaccine: string, opts2: { forceDefer?: boolean; contraindicated?: boolean } = {}): DoseRecord | null => {
    const site = siteOfProvince.get(p.province);
    if (!site) return null;
    const s = sessionAt(site, daysBack);
    const doseAt = daysBack === 0 ? minutes(now, -(5 + rng.int(40))) : minutes(s.startsAt, 30 + rng.int(9 * 60));
    const arrivedAt = minutes(doseAt, -(15 + rng.int(25)));
    arrivals.push([uuidv7(), s.id, p.id, arrivedAt, rng.chance(0.7) ? 'qr' : 'id_number', s.site.areaPath, arrivedAt]);
    summary.arrivals += 1;
    invitations.push({ session: s, personId: p.id, status: 'arrived' });
    const input: Omit<ScreeningInput, 'on'> = opts2.contraindicated
      ? { vitals: normalVitals(), allergyToVaccine: true }
      : opts2.forceDefer
        ? { vitals: { ...normalVitals(), temperatureC: 38 + rng.int(10) / 10 }, acuteIllness: true }
        : { vitals: normalVitals(), allergyHistory: rng.chance(0.08) };
    const outcome = recordScreening(p, s, minutes(doseAt, -(5 + rng.int(10))), input, vaccine);
    if (outcome === 'defer' || outcome === 'contraindicated') {
      summary.deferred += 1;
      return null;
    }
    const evaluation = evaluateDose({ birthDate: p.birth_date, priorDoses: history, proposed: { date: doseAt, vaccine } }, catalogAt(doseAt));
    if (!evaluation.allowed) return null;
    const lot = lots.get(vaccine)!;
    const doseId = uuidv7();
    const observed = daysBack > 0 || doseAt.getTime() < now.getTime() - 30 * 60_000;
    const reaction = observed && rng.chance(0.006);
    doses.push([doseId, p.id, doseAt, vnDayOf(doseAt), s.site.siteId, s.id, s.site.areaPath, p.area_path, product(vaccine), vaccine, lot.id, DEMO_LOT_NUMBER.get(vaccine)!,
      evaluation.kind, evaluation.doseNumber, evaluation.kind === 'primary' && evaluation.seriesComplete, String(evaluation.catalogVersion), 'site', true, 'confirmed',
      observed ? minutes(doseAt, 30) : null, observed ? (reaction ? 'reaction' : 'no_reaction') : null, DEMO_HASH, doseAt]);
    s.perLot.set(vaccine, (s.perLot.get(vaccine) ?? 0) + 1);
    summary.doses += 1;
    if (evaluation.kind === 'booster') summary.boosters += 1;
    if (reaction) {
      const serious = rng.chance(0.1);
      const symptoms = serious ? ['anaphylaxis', 'hypotension'] : [...new Set([rng.pick(MILD_SYMPTOMS), rng.pick(MILD_SYMPTOMS)])];
      const onset = minutes(doseAt, 5 + rng.int(20));
      const classified = daysBack > 7;
      // Anaphylaxis with hypotension is life-threatening and is treated in hospital.
      events.push([uuidv7(), doseId, p.id, product(vaccine), vaccine, s.site.areaPath, s.id, s.site.siteId, onset, symptoms, serious, serious ? ['life_threatening', 'hospitalisation'] : [],
        serious ? 'severe' : 'mild', serious ? 'recovered' : rng.pick(['recovered', 'recovering']), classified ? (serious ? 'A1' : rng.pick(['A1', 'B1', 'C'])) : null, classified ? onset : null, DEMO_HASH, onset]);
      summary.adverseEvents += 1;
    }
    return { date: doseAt, vaccine, doseNumber: evaluation.doseNumber };
  };

  const DEMO_LOT_NUMBER = new Map((await conn.pool.query<{ vaccine_code: string; lot_number: string }>(
    `SELECT vaccine_code, lot_number FROM vaccine_lots WHERE id = ANY($1::uuid[])`, [[...lots.values()].map((l) => l.id)])).rows.map((r) => [r.vaccine_code, r.lot_number]));
  const backfills: BulkRow[] = [];
  const backfill = (p: Person, vaccine: string, daysBack: number, doseNumber: number, verified: boolean, history: DoseRecord[]) => {
    const at = minutes(dayStart(now, daysBack), 12 * 60);
    const e = evaluateDose({ birthDate: p.birth_date, priorDoses: history, proposed: { date: at, vaccine } }, catalogAt(at));
    backfills.push([uuidv7(), p.id, at, vnDayOf(at), null, null, p.area_path, p.area_path, product(vaccine), vaccine, null, null, e.kind, Math.max(doseNumber, e.doseNumber),
      e.kind === 'primary' && e.seriesComplete, String(e.catalogVersion), 'backfill', verified, verified ? 'confirmed' : 'pending', null, null, DEMO_HASH, minutes(now, -rng.int(20 * 24 * 60)),
      rng.pick(['Phiếu xác nhận tiêm giấy', 'Hệ thống tiêm chủng cũ', 'Tiêm tại nước ngoài']), 'Đã đối chiếu phiếu tiêm có chữ ký và dấu của cơ sở tiêm', rng.pick(['Bệnh viện Bạch Mai', 'Trung tâm Y tế quận', 'Singapore'])]);
    return { date: at, vaccine, doseNumber: Math.max(doseNumber, e.doseNumber) };
  };

  const thisYear = Number(vnToday(now).slice(0, 4));
  for (const p of people) {
    const age = thisYear - p.birth_year;
    const r = rng.next();
    const history: DoseRecord[] = [];
    if (r < 0.7) {
      if (rng.chance(0.04) && age >= 18) {
        // An older series recorded late (verified), then a booster in the campaign.
        history.push(backfill(p, 'astrazeneca', 240, 1, true, history));
        history.push(backfill(p, 'astrazeneca', 180, 2, true, history));
        const given = visit(p, history, 1 + rng.int(CAMPAIGN_DAYS - 1), 'pfizer');
        if (given) history.push(given);
        continue;
      }
      const vaccine = pickProduct(rng, age);
      let day = 3 + rng.int(CAMPAIGN_DAYS - 3);
      if (rng.chance(0.007)) {
        visit(p, history, day, vaccine, { contraindicated: true });
        continue;
      }
      if (rng.chance(0.04)) {
        visit(p, history, day, vaccine, { forceDefer: true });
        day -= 7;
        if (day < 1) continue;
      }
      const first = visit(p, history, day, vaccine);
      if (!first) continue;
      history.push(first);
      const def = findVaccine(catalog, vaccine)!;
      let current = vaccine;
      for (let n = 2; n <= def.seriesDoses; n++) {
        const next = day - def.minIntervalDays - rng.int(6);
        if (next < 1 || !rng.chance(0.9)) break;
        if (current === 'astrazeneca' && n === 2 && rng.chance(0.12)) current = 'pfizer';
        const given = visit(p, history, next, current);
        if (!given) break;
        history.push(given);
        day = next;
      }
    } else if (r < 0.78) {
      const site = siteOfProvince.get(p.province);
      if (site) {
        invitations.push({ session: sessionAt(site, 1 + rng.int(CAMPAIGN_DAYS - 1)), personId: p.id, status: 'no_show' });
      }
    } else if (r < 0.785) {
      backfill(p, rng.pick(['astrazeneca', 'verocell', 'pfizer']), 100 + rng.int(200), 1, false, history);
      summary.unverifiedBackfills += 1;
    }
  }
  // Today's open session in Ba Đình (where the demo staff work) gets a few doses still under observation.
  const hanoi = siteOfProvince.get('01');
  if (hanoi) {
    const arrived = new Set(arrivals.map((a) => a[2] as string));
    const fresh = people.filter((p) => p.province === '01' && !arrived.has(p.id)).slice(0, 6);
    for (const p of fresh) visit(p, [], 0, 'pfizer');
  }
  // Planned sessions for the next three days at every site (invitations go there).
  for (const site of sites) for (const d of [-1, -2, -3]) sessionAt(site, d);

  // The ledger: vials issued to each past session from the site store, the opened remainder discarded at closing.
  const balances = new Map((await conn.pool.query<{ store_id: string; lot_id: string; doses_on_hand: number }>(
    `SELECT store_id, lot_id, doses_on_hand FROM stock_balances WHERE store_id = ANY($1::uuid[])`, [sites.map((s) => s.storeId)])).rows.map((b) => [`${b.store_id}|${b.lot_id}`, b.doses_on_hand]));
  const stock: BulkRow[] = [];
  const ordered = [...sessions.values()].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const event = (storeId: string, lotId: string, kind: string, doses: number, balance: number, reason: string | null, sessionId: string, at: Date, note: string | null): BulkRow =>
    [uuidv7(), storeId, lotId, kind, doses, balance, reason, null, sessionId, null, at, at, note];
  for (const s of ordered) {
    for (const [vaccine, n] of s.perLot) {
      const lot = lots.get(vaccine)!;
      const key = `${s.site.storeId}|${lot.id}`;
      const issued = Math.ceil(n / lot.dosesPerVial) * lot.dosesPerVial;
      const balance = (balances.get(key) ?? 0) - issued;
      if (balance < 0) throw new Error(`demo campaign: the site store would run out of ${vaccine}`);
      stock.push(event(s.site.storeId, lot.id, 'issue', -issued, balance, null, s.id, s.startsAt, null));
      const left = issued - n;
      if (left > 0 && s.status === 'closed') {
        // The opened vial's remainder comes back at closing and is discarded at once (it cannot be kept).
        stock.push(event(s.site.storeId, lot.id, 'return', left, balance + left, null, s.id, s.endsAt, 'Liều còn lại trong lọ đã mở'));
        stock.push(event(s.site.storeId, lot.id, 'discard', -left, balance, 'opened_vial', s.id, minutes(s.endsAt, 1), 'Lọ đã mở còn thừa cuối buổi'));
      }
      balances.set(key, balance);
    }
  }

  const sessionRows: BulkRow[] = ordered.map((s) => [s.id, s.site.siteId, vnDayOf(s.startsAt), s.startsAt, s.endsAt, allProducts, 300, s.status, s.site.areaPath,
    'Buổi tiêm (demo)', s.status === 'planned' ? null : s.startsAt, s.status === 'closed' ? s.endsAt : null, minutes(s.startsAt, -3 * 24 * 60), minutes(s.startsAt, -3 * 24 * 60)]);
  await bulkInsert(conn, 'vaccination_sessions', ['id', 'site_id', 'session_date', 'starts_at', 'ends_at', 'products', 'capacity', 'status', 'area_path', 'note', 'opened_at', 'closed_at', 'created_at', 'updated_at'], sessionRows);
  await bulkInsert(conn, 'session_arrivals', ['id', 'session_id', 'person_id', 'arrived_at', 'method', 'area_path', 'recorded_at'], arrivals);
  await bulkInsert(conn, 'screenings', ['id', 'person_id', 'session_id', 'site_id', 'area_path', 'screened_at', 'rule_set_version', 'outcome', 'reasons', 'vitals', 'answers', 'vaccine_code', 'request_hash', 'recorded_at'], screenings);
  const doseColumns = ['id', 'person_id', 'administered_at', 'administered_on', 'site_id', 'session_id', 'area_path', 'person_area_path', 'product', 'vaccine_code', 'lot_id', 'lot_number',
    'dose_kind', 'dose_number', 'completes_series', 'catalog_version', 'source', 'verified', 'review_status', 'observation_done_at', 'observation_outcome', 'request_hash', 'recorded_at'];
  await bulkInsert(conn, 'doses', [...doseColumns, 'backfill_source', 'evidence_note', 'place'], backfills);
  await bulkInsert(conn, 'doses', doseColumns, doses);
  await bulkInsert(conn, 'adverse_events', ['id', 'dose_id', 'person_id', 'product', 'vaccine_code', 'area_path', 'session_id', 'site_id', 'onset_at', 'symptoms', 'serious', 'serious_criteria', 'severity', 'outcome', 'causality', 'causality_set_at', 'request_hash', 'reported_at'], events);
  await bulkInsert(conn, 'stock_events', STOCK_EVENT_COLUMNS, stock);
  for (const [key, n] of balances) {
    const [storeId, lotId] = key.split('|');
    await conn.pool.query(`UPDATE stock_balances SET doses_on_hand = $3, updated_at = now() WHERE store_id = $1 AND lot_id = $2`, [storeId, lotId, n]);
  }
  const hasInvitations = (await conn.pool.query<{ t: string | null }>(`SELECT to_regclass('vaccination_invitations')::text AS t`)).rows[0]?.t;
  if (hasInvitations) {
    const seen = new Set<string>();
    const rows = invitations.filter((i) => {
      const k = `${i.session.id}|${i.personId}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    }).map((i) => [uuidv7(), i.session.id, i.personId, i.session.site.areaPath, i.status, minutes(i.session.startsAt, -2 * 24 * 60), i.session.endsAt]);
    await bulkInsert(conn, 'vaccination_invitations', ['id', 'session_id', 'person_id', 'area_path', 'status', 'created_at', 'updated_at'], rows);
    // Counted from what was stored: a person invited twice to one session is one invitation.
    summary.noShows = rows.filter((r) => r[4] === 'no_show').length;
  }
  summary.sessions = sessionRows.length;
  summary.unverifiedBackfills = backfills.filter((b) => b[17] === false).length;
  opts.log?.(`  vaccination campaign: ${summary.sessions} sessions, ${summary.doses.toLocaleString('en')} doses (${summary.boosters} boosters), ${summary.screenings.toLocaleString('en')} screenings (${summary.deferred} deferred), ${summary.adverseEvents} adverse events, ${summary.noShows} no-shows, ${summary.unverifiedBackfills} unverified backfills`);
  return summary;
}
