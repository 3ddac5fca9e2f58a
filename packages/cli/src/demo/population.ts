import { bulkInsert, sql, type Connection } from '@sen/db';
import { CCCD_PROVINCE_CODES, cccdCenturyDigit, foldDiacritics, formatPartialDate, searchForm, splitLargestRemainder, toNfc } from '@sen/domain';
import { scoreAndStore, type MatchRow } from '@sen/server';
import { loadNameData, type NameData } from './names';
import { createRng, seededUuidv7, WeightedPicker, type Rng } from './random';

/**
 * A synthetic population of Vietnam for demos and benchmarks: households of realistic people, deterministic for a
 * seed. NEVER real people: names are put together from aggregate name counts, dates and numbers are random.
 *
 * The rules, kept simple on purpose:
 * - Regions: a province whose code is 45 or more (Huế and everything south of it, in both the 2021 and the
 *   2025 numbering) is "south". In the south the Hoàng and Vũ lines are mostly spelled Huỳnh and Võ (the Nguyễn
 *   lords' naming taboo), so 70% of the weight of Hoàng/Vũ moves to Huỳnh/Võ; in the north 90% of Huỳnh/Võ moves
 *   back to Hoàng/Vũ. Southern addresses say "hẻm" and "ấp" where northern ones say "ngõ" and "thôn".
 * - Communes get households in proportion to a weight: urban wards (phường) 3, towns (thị trấn) 1.5, rural
 *   communes (xã) 1, special zones (đặc khu) 0.4; times 1.6 in Hồ Chí Minh City, 1.4 in Hà Nội, 1.15 in the
 *   other centrally run cities.
 * - Ages follow Vietnam's 2019 census pyramid for household heads; spouses, children and grandparents follow
 *   from the head (the resulting median age is about 32).
 * - Birth dates: about 3% are known only to the year and 1% to the month, nearly all of them elderly people.
 * - Everyone 14 or older has a CCCD (12 digits: province of birth registration, century-and-sex digit, two
 *   digits of the birth year, a serial unique per prefix); people 30 or older sometimes still have a 9-digit
 *   CMND; about 60% have a mobile number.
 * - Planted duplicates (0.2% by default): the same person entered again without diacritics, with day and
 *   month of birth transposed, or without an ID number; never with the same ID (an ID is unique).
 */

export interface DemoCommune {
  code: string;
  /** ltree path, e.g. VN.01.00004 */
  path: string;
  /** Full name with its unit type, e.g. "Phường Ba Đình". */
  name: string;
  /** "Phường", "Xã", "Thị trấn", "Đặc khu" */
  unitType: string;
  provinceCode: string;
  /** Relative share of households; computed from unit type and province when absent. */
  weight?: number;
}

export interface HouseholdRow {
  id: string;
  address: string;
  commune_code: string;
  area_path: string;
}

export interface PersonRow {
  id: string;
  full_name: string;
  search_name: string;
  birth_date: string;
  sex: 'male' | 'female';
  phone: string | null;
  address: string;
  commune_code: string;
  area_path: string;
  household_id: string | null;
  household_role: HouseholdRole | null;
}

export interface IdentifierRow {
  kind: 'cccd' | 'cmnd';
  value: string;
  person_id: string;
}

export type DuplicateKind = 'no_diacritics' | 'transposed_birth_date' | 'no_id';

export interface PlantedDuplicate {
  originalId: string;
  duplicateId: string;
  kind: DuplicateKind;
}

/** Roles in the household book: the head and each member's relation to the head. */
export type HouseholdRole = 'head' | 'spouse' | 'child' | 'child_in_law' | 'grandchild' | 'parent';

export interface GeneratedHousehold {
  household: HouseholdRow;
  people: PersonRow[];
  identifiers: IdentifierRow[];
  duplicates: PlantedDuplicate[];
}

/** Serial counters for ID numbers; pass the same object to a later run to keep numbers unique. */
export interface IdCounters {
  /** Next serial index per 6-digit CCCD prefix (province, century-sex digit, year). */
  cccd: Map<string, number>;
  cmnd: number;
}

export interface PopulationOptions {
  /** Number of people rows (planted duplicates included). */
  size: number;
  seed: number | string;
  communes: readonly DemoCommune[];
  /** Ages are counted on this day (default: 1 January of the current year, UTC). */
  referenceDate?: Date;
  /** Share of people entered a second time (default 0.002). */
  duplicateRate?: number;
  idCounters?: IdCounters;
  /** Milliseconds for the time part of generated ids (default: the reference date). */
  idEpochMs?: number;
}

// --- Tables ---------------------------------------------------------------------------------------------------

/** Share of the population per five-year age group, Vietnam 2019 census (rounded; the last group is 90-99). */
const AGE_PYRAMID: readonly [number, number][] = [
  [0, 8.0], [5, 8.3], [10, 7.1], [15, 6.4], [20, 6.9], [25, 8.1], [30, 8.4], [35, 8.1], [40, 7.4], [45, 6.8],
  [50, 6.1], [55, 5.3], [60, 4.3], [65, 3.0], [70, 1.9], [75, 1.3], [80, 1.0], [85, 0.6], [90, 0.4],
];

const MOBILE_PREFIXES = ['032', '033', '034', '035', '036', '037', '038', '039', '052', '056', '058', '059', '070', '076', '077', '078', '079', '081', '082', '083', '084', '085', '086', '088', '089', '090', '091', '093', '094', '096', '097', '098', '099'];

/** Provinces run directly by the centre (2021 and 2025): Hà Nội, Hải Phòng, Huế, Đà Nẵng, HCMC, Cần Thơ. */
const CITY_PROVINCES = new Set(['01', '31', '46', '48', '79', '92']);

const MALE_MIDDLE = new Set(['Văn', 'Đức', 'Hữu', 'Quốc', 'Quang', 'Đình', 'Tấn', 'Công', 'Thế', 'Trọng', 'Tiến', 'Mạnh', 'Bá', 'Viết', 'Khắc', 'Trung', 'Duy', 'Tuấn', 'Chí', 'Đăng', 'Huy', 'Sĩ', 'Sỹ', 'Tất', 'Đắc', 'Trường', 'Hùng', 'Long', 'Sơn', 'Đại', 'Nhựt', 'Phước', 'Vĩnh', 'Thái', 'Văn Thanh', 'Văn Minh', 'Văn Quốc', 'Chánh', 'Cảnh', 'Chấn', 'Chiến', 'Quyết', 'Đạt', 'Khôi', 'Khoa', 'Thăng', 'Hưng', 'Toàn']);
const FEMALE_MIDDLE = new Set(['Thu', 'Kim', 'Mỹ', 'Bích', 'Diễm', 'Kiều', 'Như', 'Yến', 'Thùy', 'Thúy', 'Tuyết', 'Cẩm', 'Trúc', 'Ánh', 'Hạnh', 'Diệu', 'Phụng', 'Huệ', 'Mai', 'Lệ', 'Quỳnh', 'Linh', 'Tiểu']);

/** Given names on both the boys' and the girls' list that are mostly borne by women. */
const FEMALE_GIVEN = new Set(['Anh', 'Linh', 'Ngọc', 'Phương', 'Trang', 'Hà', 'Hạnh', 'Hoa', 'Hiền', 'Ngân', 'Quỳnh', 'Thu', 'Trúc', 'Vân', 'Xuân', 'Như', 'Mỹ', 'Thủy', 'Hồng', 'Kim', 'Diệu', 'Bích', 'Châu', 'Giang', 'Lam', 'Liên', 'Hoài', 'Nhã', 'Phượng', 'Phụng', 'Quế', 'Tuyền', 'Trân', 'Yên', 'Mộng', 'Nhạn', 'Sa', 'San', 'Diệp', 'Thương', 'Hảo', 'Tâm', 'Tú', 'Thụy', 'Miên', 'Ý', 'Ca', 'Di', 'Hiểu']);

export function isSouth(provinceCode: string): boolean {
  return Number(provinceCode) >= 45;
}

export function communeWeight(c: Pick<DemoCommune, 'unitType' | 'provinceCode'>): number {
  const unit = searchForm(c.unitType);
  let w = unit === 'phuong' ? 3 : unit === 'thi tran' ? 1.5 : unit === 'dac khu' ? 0.4 : 1;
  if (c.provinceCode === '79') w *= 1.6;
  else if (c.provinceCode === '01') w *= 1.4;
  else if (CITY_PROVINCES.has(c.provinceCode)) w *= 1.15;
  return w;
}

// --- Names ----------------------------------------------------------------------------------------------------

interface NamePickers {
  familyNorth: WeightedPicker<string>;
  familySouth: WeightedPicker<string>;
  thiCompound: WeightedPicker<string>;
  maleMiddle: WeightedPicker<string>;
  femaleMiddle: WeightedPicker<string>;
  boyGiven: WeightedPicker<string>;
  girlGiven: WeightedPicker<string>;
  boyTwoWord: readonly string[];
  girlTwoWord: readonly string[];
  noMiddleShare: number;
}

function shifted(family: NameData['family'], south: boolean): WeightedPicker<string> {
  const w = new Map(family.map((f) => [f.name, f.weight]));
  const move = (from: string, to: string, share: number) => {
    const amount = (w.get(from) ?? 0) * share;
    w.set(from, (w.get(from) ?? 0) - amount);
    w.set(to, (w.get(to) ?? 0) + amount);
  };
  if (south) {
    move('Hoàng', 'Huỳnh', 0.7);
    move('Vũ', 'Võ', 0.7);
  } else {
    move('Huỳnh', 'Hoàng', 0.9);
    move('Võ', 'Vũ', 0.9);
  }
  return new WeightedPicker([...w.keys()], [...w.values()]);
}

function buildPickers(data: NameData): NamePickers {
  const thi = data.middle.filter((m) => m.name.startsWith('Thị '));
  const neutral = data.middle.filter((m) => m.name !== 'Văn' && m.name !== 'Thị' && !m.name.startsWith('Thị ') && !MALE_MIDDLE.has(m.name) && !FEMALE_MIDDLE.has(m.name));
  const male = [...data.middle.filter((m) => m.name !== 'Văn' && MALE_MIDDLE.has(m.name)), ...neutral];
  const female = [...data.middle.filter((m) => FEMALE_MIDDLE.has(m.name)), ...neutral];
  // The counts come from a mostly male group, so a name on both lists keeps its count only for the sex that
  // usually bears it (FEMALE_GIVEN for girls); for the other sex it gets the flat weight 1.
  const boys = new Set(data.boyOneWord);
  const girls = new Set(data.girlOneWord);
  const weight = (n: string, sex: 'male' | 'female') => {
    const shared = boys.has(n) && girls.has(n);
    const keep = !shared || (sex === 'female') === FEMALE_GIVEN.has(n);
    return 1 + (keep ? (data.givenCounts.get(n) ?? 0) : 0);
  };
  const given = (names: string[], sex: 'male' | 'female') => new WeightedPicker(names, names.map((n) => weight(n, sex)));
  return {
    familyNorth: shifted(data.family, false),
    familySouth: shifted(data.family, true),
    thiCompound: new WeightedPicker(thi.map((m) => m.name), thi.map((m) => m.weight)),
    maleMiddle: new WeightedPicker(male.map((m) => m.name), male.map((m) => m.weight)),
    femaleMiddle: new WeightedPicker(female.map((m) => m.name), female.map((m) => m.weight)),
    boyGiven: given(data.boyOneWord, 'male'),
    girlGiven: given(data.girlOneWord, 'female'),
    boyTwoWord: data.boyTwoWord,
    girlTwoWord: data.girlTwoWord,
    noMiddleShare: data.noMiddleShare,
  };
}

/** Older generations use Văn and Thị far more than young ones. */
function generationIndex(birthYear: number): 0 | 1 | 2 | 3 {
  return birthYear < 1960 ? 0 : birthYear < 1980 ? 1 : birthYear < 2000 ? 2 : 3;
}
const P_VAN = [0.7, 0.55, 0.35, 0.15] as const;
const P_THI = [0.85, 0.7, 0.5, 0.3] as const;
const P_TWO_WORD_GIVEN = [0.03, 0.05, 0.12, 0.25] as const;

function givenAndMiddle(rng: Rng, p: NamePickers, sex: 'male' | 'female', birthYear: number): string {
  const g = generationIndex(birthYear);
  if (rng.chance(P_TWO_WORD_GIVEN[g])) return rng.pick(sex === 'male' ? p.boyTwoWord : p.girlTwoWord);
  const given = (sex === 'male' ? p.boyGiven : p.girlGiven).pick(rng);
  if (rng.chance(p.noMiddleShare)) return given;
  let middle: string;
  if (sex === 'male') middle = rng.chance(P_VAN[g]) ? 'Văn' : p.maleMiddle.pick(rng);
  else if (rng.chance(P_THI[g])) middle = rng.chance(0.75) ? 'Thị' : p.thiCompound.pick(rng);
  else middle = p.femaleMiddle.pick(rng);
  // "Minh Minh": draw the middle name once more rather than repeat the given name.
  if (middle === given || middle.endsWith(` ${given}`)) middle = sex === 'male' ? 'Văn' : 'Thị';
  return `${middle} ${given}`;
}

// --- Generation -----------------------------------------------------------------------------------------------

interface Member {
  age: number;
  sex: 'male' | 'female';
  family: string;
  role: HouseholdRole;
}

const YEAR_MS = 365.2425 * 86_400_000;

/** The serial part of a CCCD: an affine map of the counter, a bijection on 0..999999, so never a repeat. */
function cccdSerial(prefix: string, index: number): string {
  if (index >= 1_000_000) throw new Error(`CCCD serials exhausted for prefix ${prefix}`);
  let h = 0;
  for (const ch of prefix) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000;
  return String((index * 370_471 + h) % 1_000_000).padStart(6, '0');
}

function cmndNumber(index: number): string {
  if (index >= 1_000_000_000) throw new Error('CMND numbers exhausted');
  // 387420489 = 3^18 is coprime with 10^9: a bijection on 0..999999999.
  return String((index * 387_420_489 + 123_456_789) % 1_000_000_000).padStart(9, '0');
}

const CCCD_CODES = [...CCCD_PROVINCE_CODES].sort();

export function newIdCounters(): IdCounters {
  return { cccd: new Map(), cmnd: 0 };
}

/**
 * Generates the population household by household (streaming: nothing but the current household is held).
 * Each household's rows are in foreign-key order: the household, its people, then their identifiers.
 */
export function* generatePopulation(options: PopulationOptions): Generator<GeneratedHousehold> {
  const { size, communes } = options;
  if (communes.length === 0) throw new Error('generatePopulation needs at least one commune');
  const rng = createRng(options.seed);
  const pickers = buildPickers(loadNameData());
  const ref = options.referenceDate ?? new Date(Date.UTC(new Date().getUTCFullYear(), 0, 1));
  const refMs = ref.getTime();
  const duplicateRate = options.duplicateRate ?? 0.002;
  const counters = options.idCounters ?? newIdCounters();
  let idMs = options.idEpochMs ?? refMs;
  const newId = () => seededUuidv7(rng, idMs++);

  const communePicker = new WeightedPicker(communes, communes.map((c) => c.weight ?? communeWeight(c)));
  const agePickers = new Map<string, WeightedPicker<[number, number]>>();
  const age = (min: number, max: number): number => {
    const key = `${min}-${max}`;
    let picker = agePickers.get(key);
    if (!picker) {
      const bands = AGE_PYRAMID.map(([lo, share]): [number, number, number] => {
        const hi = lo === 90 ? 99 : lo + 4;
        const a = Math.max(lo, min);
        const b = Math.min(hi, max);
        return [a, b, b >= a ? (share * (b - a + 1)) / (hi - lo + 1) : 0];
      }).filter(([, , w]) => w > 0);
      picker = new WeightedPicker(bands.map(([a, b]): [number, number] => [a, b]), bands.map(([, , w]) => w));
      agePickers.set(key, picker);
    }
    const [a, b] = picker.pick(rng);
    return rng.range(a, b);
  };
  const clampAge = (n: number) => Math.max(0, Math.min(99, n));

  let produced = 0;
  while (produced < size) {
    const commune = communePicker.pick(rng);
    const south = isSouth(commune.provinceCode);
    const familyPicker = south ? pickers.familySouth : pickers.familyNorth;
    const family = () => familyPicker.pick(rng);
    const members = household(rng, age, clampAge, family);
    const urban = searchForm(commune.unitType) !== 'xa';
    const address = urban
      ? `Số ${rng.range(1, 250)}, ${south ? 'hẻm' : 'ngõ'} ${rng.range(1, 400)}, ${commune.name}`
      : `${south ? 'Ấp' : 'Thôn'} ${rng.range(1, 15)}, ${commune.name}`;
    const hh: HouseholdRow = { id: newId(), address, commune_code: commune.code, area_path: commune.path };
    const out: GeneratedHousehold = { household: hh, people: [], identifiers: [], duplicates: [] };

    for (const m of members) {
      if (produced >= size) break;
      const born = new Date(refMs - (m.age + rng.next()) * YEAR_MS);
      const year = born.getUTCFullYear();
      const month = born.getUTCMonth() + 1;
      const day = born.getUTCDate();
      const pYearOnly = m.age >= 70 ? 0.3 : m.age >= 60 ? 0.1 : 0.007;
      const pYearMonth = m.age >= 70 ? 0.09 : m.age >= 60 ? 0.035 : 0.003;
      const r = rng.next();
      const birthDate = formatPartialDate(r < pYearOnly ? { year, month: null, day: null } : r < pYearOnly + pYearMonth ? { year, month, day: null } : { year, month, day });
      const fullName = toNfc(`${m.family} ${givenAndMiddle(rng, pickers, m.sex, year)}`);
      const pPhone = m.age < 15 ? 0 : m.age < 18 ? 0.5 : m.age < 70 ? 0.85 : 0.4;
      const phone = rng.chance(pPhone) ? `${rng.pick(MOBILE_PREFIXES)}${String(rng.int(10_000_000)).padStart(7, '0')}` : null;
      const person: PersonRow = {
        id: newId(),
        full_name: fullName,
        search_name: searchForm(fullName),
        birth_date: birthDate,
        sex: m.sex,
        phone,
        address,
        commune_code: commune.code,
        area_path: commune.path,
        household_id: hh.id,
        household_role: m.role,
      };
      out.people.push(person);
      produced++;

      if (m.age >= 14) {
        const province = rng.chance(0.85) && CCCD_PROVINCE_CODES.has(`0${commune.provinceCode}`) ? `0${commune.provinceCode}` : rng.pick(CCCD_CODES);
        const prefix = `${province}${cccdCenturyDigit(year, m.sex)}${String(year % 100).padStart(2, '0')}`;
        const index = counters.cccd.get(prefix) ?? 0;
        counters.cccd.set(prefix, index + 1);
        out.identifiers.push({ kind: 'cccd', value: `${prefix}${cccdSerial(prefix, index)}`, person_id: person.id });
      }
      if (m.age >= 30 && rng.chance(m.age >= 40 ? 0.25 : 0.1)) {
        out.identifiers.push({ kind: 'cmnd', value: cmndNumber(counters.cmnd++), person_id: person.id });
      }

      if (produced < size && rng.chance(duplicateRate)) {
        const dup = plantDuplicate(rng, person, newId());
        out.people.push(dup.row);
        out.duplicates.push({ originalId: person.id, duplicateId: dup.row.id, kind: dup.kind });
        produced++;
      }
    }
    yield out;
  }
}

type AgeFn = (min: number, max: number) => number;

/** One household's members, the head first. Household types and their shares depend on the head's age. */
function household(rng: Rng, age: AgeFn, clamp: (n: number) => number, family: () => string): Member[] {
  // Household heads: the census pyramid times a rough headship rate (few heads under 30, fewer above 60,
  // whose households are often headed by a grown child).
  let headAge = age(20, 95);
  while ((headAge < 30 && !rng.chance(0.65)) || (headAge >= 60 && !rng.chance(headAge >= 70 ? 0.35 : 0.6))) headAge = age(20, 95);
  const members: Member[] = [];
  const add = (m: Member) => {
    if (members.length < 7) members.push(m);
  };
  const other = (sex: 'male' | 'female') => (sex === 'male' ? 'female' : 'male');
  const childSex = (): 'male' | 'female' => (rng.chance(0.51) ? 'male' : 'female');
  const kids = (motherAge: number, line: string, role: HouseholdRole, max: number) => {
    const n = Math.min(max, rng.chance(0.3) ? 1 : rng.chance(0.75) ? 2 : 3);
    for (let i = 0; i < n; i++) {
      if (motherAge < 19) break;
      const a = motherAge - (motherAge < 35 || rng.chance(0.85) ? rng.range(19, Math.min(34, motherAge)) : rng.range(35, Math.min(44, motherAge)));
      if (a >= 25 && rng.chance(0.6)) continue; // most grown children have left home
      add({ age: a, sex: childSex(), family: line, role });
    }
  };
  const x = rng.next();
  if (headAge >= 60) {
    // Elderly: alone, as a couple, or the head of a three-generation household.
    const sex = rng.chance(0.6) ? 'male' : 'female';
    const line = family();
    add({ age: headAge, sex, family: line, role: 'head' });
    if (x < 0.15) return members;
    const spouseAge = clamp(sex === 'male' ? headAge - rng.range(0, 6) : headAge + rng.range(0, 6));
    if (x < 0.2 || rng.chance(0.75)) add({ age: spouseAge, sex: other(sex), family: family(), role: 'spouse' });
    if (x < 0.45) return members;
    const motherAge = sex === 'female' ? headAge : spouseAge;
    const childAge = Math.max(18, motherAge - rng.range(20, 35));
    const son = rng.chance(0.7);
    const childLine = sex === 'male' || !son ? line : family();
    add({ age: childAge, sex: son ? 'male' : 'female', family: childLine, role: 'child' });
    const inLawLine = family();
    add({ age: Math.max(18, childAge + rng.range(-5, 3)), sex: son ? 'female' : 'male', family: inLawLine, role: 'child_in_law' });
    kids(son ? childAge - rng.range(0, 4) : childAge, son ? childLine : inLawLine, 'grandchild', 3);
    return members;
  }
  const sex: 'male' | 'female' = rng.chance(0.82) ? 'male' : 'female';
  const line = family();
  add({ age: headAge, sex, family: line, role: 'head' });
  const young = headAge < 30;
  if (x < (young ? 0.22 : 0.06)) return members; // alone
  if (x < (young ? 0.28 : 0.12)) {
    // a parent alone with children (more often a mother)
    kids(headAge, sex === 'female' ? family() : line, 'child', 2);
    return members;
  }
  const spouseAge = Math.max(18, sex === 'male' ? headAge - rng.range(0, 6) : headAge + rng.range(-1, 6));
  const spouseLine = family();
  add({ age: spouseAge, sex: other(sex), family: spouseLine, role: 'spouse' });
  const childLine = sex === 'male' ? line : spouseLine;
  const motherAge = sex === 'female' ? headAge : spouseAge;
  if (x < (young ? 0.45 : 0.2)) return members; // a couple
  kids(motherAge, childLine, 'child', 3);
  if (x < 0.72) return members; // parents and children
  // three generations: the head's parents (or a widowed parent) live with them
  const fatherAge = clamp(headAge + rng.range(22, 35));
  const parentLine = sex === 'male' ? line : family();
  if (rng.chance(0.6)) add({ age: fatherAge, sex: 'male', family: parentLine, role: 'parent' });
  add({ age: clamp(fatherAge - rng.range(0, 6)), sex: 'female', family: family(), role: 'parent' });
  return members;
}

/** The same person entered again, as happens when two places register someone. */
function plantDuplicate(rng: Rng, p: PersonRow, id: string): { row: PersonRow; kind: DuplicateKind } {
  const base: PersonRow = { ...p, id, household_id: null, household_role: null, phone: rng.chance(0.5) ? p.phone : null };
  const r = rng.next();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(p.birth_date);
  if (r < 0.4) {
    const fullName = foldDiacritics(p.full_name);
    return { row: { ...base, full_name: fullName, search_name: searchForm(fullName) }, kind: 'no_diacritics' };
  }
  if (r < 0.7 && m && Number(m[3]) <= 12 && m[2] !== m[3]) {
    return { row: { ...base, birth_date: `${m[1]}-${m[3]}-${m[2]}` }, kind: 'transposed_birth_date' };
  }
  return { row: base, kind: 'no_id' };
}

// --- Loading --------------------------------------------------------------------------------------------------

export const HOUSEHOLD_COLUMNS = ['id', 'address', 'commune_code', 'area_path'] as const;
export const PERSON_COLUMNS = ['id', 'full_name', 'search_name', 'birth_date', 'sex', 'phone', 'address', 'commune_code', 'area_path', 'household_id', 'household_role'] as const;
export const IDENTIFIER_COLUMNS = ['kind', 'value', 'person_id'] as const;

export interface LoadProgress {
  people: number;
  total: number;
  households: number;
  identifiers: number;
  elapsedMs: number;
}

export interface LoadOptions {
  people: number;
  seed?: number | string;
  /** Rows of people per bulk load (default 20,000). */
  batchSize?: number;
  duplicateRate?: number;
  referenceDate?: Date;
  /** Put the planted duplicate pairs in the review queue through the people module's scorer. Default true. */
  queueDuplicates?: boolean;
  onProgress?: (p: LoadProgress) => void;
}

export interface LoadResult {
  people: number;
  households: number;
  identifiers: number;
  duplicates: number;
  communes: number;
  /** Time spent generating and loading rows (ANALYZE and populations excluded). */
  loadMs: number;
  analyzeMs: number;
}

/** The communes of the loaded gazetteer, with what the generator needs. */
export async function readCommunes(conn: Connection): Promise<DemoCommune[]> {
  const rows = await conn.db
    .selectFrom('areas')
    .select(['code', sql<string>`path::text`.as('path'), 'full_name', 'unit_type', sql<string>`subpath(path, 1, 1)::text`.as('province')])
    .where('kind', '=', 'commune')
    .orderBy('code')
    .execute();
  return rows.map((r) => ({ code: r.code, path: r.path, name: r.full_name, unitType: r.unit_type, provinceCode: r.province }));
}

/** ID counters continuing from the identifiers already in the database, so a second load adds no clashes. */
async function readIdCounters(conn: Connection): Promise<IdCounters> {
  const counters = newIdCounters();
  const res = await conn.pool.query<{ kind: string; prefix: string; n: number }>(
    `SELECT kind, CASE WHEN kind = 'cccd' THEN left(value, 6) ELSE '' END AS prefix, count(*)::int AS n
       FROM person_identifiers WHERE kind IN ('cccd', 'cmnd') GROUP BY 1, 2`,
  );
  for (const r of res.rows) {
    if (r.kind === 'cccd') counters.cccd.set(r.prefix, r.n);
    else counters.cmnd = r.n;
  }
  return counters;
}

/**
 * Generates `people` synthetic people in the communes of the loaded gazetteer and loads them with bulkInsert in
 * batches (households, then people, then identifiers: foreign-key order), then ANALYZEs the tables. Indexes stay
 * in place during the load: that is the honest cost. Communes without a population get an estimate: their
 * weight's share of the people now in the registry, plus 5% not yet registered; larger areas get the sum. The
 * target populations (18+, 50+) follow from the people's ages.
 */
export async function loadDemoPopulation(conn: Connection, options: LoadOptions): Promise<LoadResult> {
  const communes = await readCommunes(conn);
  if (communes.length === 0) throw new Error('No communes: load a gazetteer first');
  const started = performance.now();
  const batchSize = options.batchSize ?? 20_000;
  const idCounters = await readIdCounters(conn);
  const gen = generatePopulation({
    size: options.people,
    seed: options.seed ?? 2021,
    communes,
    idCounters,
    ...(options.duplicateRate !== undefined ? { duplicateRate: options.duplicateRate } : {}),
    ...(options.referenceDate ? { referenceDate: options.referenceDate } : {}),
  });
  let households: unknown[][] = [];
  let people: unknown[][] = [];
  let identifiers: unknown[][] = [];
  let duplicates: PlantedDuplicate[] = [];
  const dupRows = new Map<string, PersonRow>();
  const totals = { people: 0, households: 0, identifiers: 0, duplicates: 0 };
  const queue = options.queueDuplicates ?? true;

  const flush = async () => {
    if (people.length === 0 && households.length === 0) return;
    totals.households += await bulkInsert(conn, 'households', HOUSEHOLD_COLUMNS, households);
    totals.people += await bulkInsert(conn, 'people', PERSON_COLUMNS, people);
    totals.identifiers += await bulkInsert(conn, 'person_identifiers', IDENTIFIER_COLUMNS, identifiers);
    if (queue && duplicates.length) totals.duplicates += await queueDuplicatePairs(conn, duplicates, dupRows);
    else totals.duplicates += duplicates.length;
    households = [];
    people = [];
    identifiers = [];
    duplicates = [];
    dupRows.clear();
    options.onProgress?.({ ...totals, total: options.people, elapsedMs: performance.now() - started });
  };

  for (const h of gen) {
    households.push([h.household.id, h.household.address, h.household.commune_code, h.household.area_path]);
    for (const p of h.people) {
      people.push([p.id, p.full_name, p.search_name, p.birth_date, p.sex, p.phone, p.address, p.commune_code, p.area_path, p.household_id, p.household_role]);
    }
    for (const i of h.identifiers) identifiers.push([i.kind, i.value, i.person_id]);
    if (h.duplicates.length) {
      for (const d of h.duplicates) {
        duplicates.push(d);
        for (const p of h.people) if (p.id === d.originalId || p.id === d.duplicateId) dupRows.set(p.id, p);
      }
    }
    if (people.length >= batchSize) await flush();
  }
  await flush();
  const loadMs = performance.now() - started;
  const a0 = performance.now();
  await conn.pool.query('ANALYZE households, people, person_identifiers');
  const analyzeMs = performance.now() - a0;
  await fillPopulations(conn, communes);
  return { ...totals, communes: communes.length, loadMs, analyzeMs };
}

/**
 * Hands the planted pairs to the people module's scorer, which queues those at or above the review threshold
 * (the same path its duplicate scan takes; pairs it already knows are left alone).
 */
async function queueDuplicatePairs(conn: Connection, pairs: PlantedDuplicate[], rows: ReadonlyMap<string, PersonRow>): Promise<number> {
  const match = (p: PersonRow): MatchRow => ({ id: p.id, full_name: p.full_name, birth_date: p.birth_date, sex: p.sex, commune_code: p.commune_code, area_path: p.area_path });
  const known: (readonly [MatchRow, MatchRow])[] = [];
  for (const d of pairs) {
    const a = rows.get(d.originalId);
    const b = rows.get(d.duplicateId);
    if (a && b) known.push([match(a), match(b)]);
  }
  await scoreAndStore(conn.db, known);
  return known.length;
}

/** Fills empty population figures: communes by weight share of the registry, larger areas as sums. */
async function fillPopulations(conn: Connection, communes: readonly DemoCommune[]): Promise<void> {
  const registered = await conn.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM people WHERE merged_into IS NULL');
  const total = Math.round((registered.rows[0]?.n ?? 0) * 1.05);
  if (total === 0) return;
  const weights = communes.map((c) => c.weight ?? communeWeight(c));
  const sum = weights.reduce((s, w) => s + w, 0);
  const codes = communes.map((c) => c.code);
  const pops = weights.map((w) => Math.max(1, Math.round((w / sum) * total)));
  await conn.pool.query(
    `UPDATE areas a SET population = v.pop, updated_at = now()
       FROM unnest($1::text[], $2::int[]) AS v(code, pop)
      WHERE a.code = v.code AND a.population IS NULL`,
    [codes, pops],
  );
  // Provinces, districts and the country: the sum of their communes, deepest level first.
  await conn.pool.query(`
    UPDATE areas p SET population = s.pop, updated_at = now()
      FROM (SELECT p2.code, sum(c.population)::int AS pop
              FROM areas p2 JOIN areas c ON c.path <@ p2.path AND c.kind = 'commune'
             WHERE p2.kind <> 'commune' GROUP BY p2.code) s
     WHERE p.code = s.code AND p.population IS NULL`);
  await fillTargetPopulations(conn);
}

/**
 * Fills empty target populations (18 and over, 50 and over) from the synthetic people's ages today. A commune
 * holds few demo people, so each province's shares (the country's where the province has nobody) apply to its
 * communes: the province's total is split among them by population with largest-remainder rounding (rounding each
 * tiny commune on its own would skew the sums), the 50+ in proportion to the 18+ so they always nest. Larger areas
 * get the sum of their communes.
 */
async function fillTargetPopulations(conn: Connection): Promise<void> {
  const mixes = (await conn.pool.query<{ province: string | null; n: number; a18: number; a50: number }>(`
    WITH ages AS (
      SELECT subpath(area_path, 0, 2)::text AS province, sen_age_on(birth_date, sen_vn_day(now())) AS age
        FROM people WHERE merged_into IS NULL AND area_path IS NOT NULL AND birth_date IS NOT NULL)
    SELECT province, count(*)::int AS n, count(*) FILTER (WHERE age >= 18)::int AS a18, count(*) FILTER (WHERE age >= 50)::int AS a50
      FROM ages GROUP BY ROLLUP (province)`)).rows;
  const country = mixes.find((m) => m.province === null);
  if (!country || country.n === 0) return;
  const mixOf = new Map(mixes.filter((m) => m.province !== null).map((m) => [m.province!, m]));
  const communes = (await conn.pool.query<{ code: string; province: string; population: number }>(`
    SELECT code, subpath(path, 0, 2)::text AS province, population FROM areas
     WHERE kind = 'commune' AND population IS NOT NULL AND population_18_plus IS NULL AND population_50_plus IS NULL ORDER BY code`)).rows;
  const byProvince = new Map<string, typeof communes>();
  for (const c of communes) byProvince.set(c.province, [...(byProvince.get(c.province) ?? []), c]);
  const codes: string[] = [];
  const p18: number[] = [];
  const p50: number[] = [];
  for (const [province, list] of byProvince) {
    const mix = mixOf.get(province) ?? country;
    const population = list.reduce((s, c) => s + c.population, 0);
    const adults = splitLargestRemainder(Math.round((population * mix.a18) / mix.n), list.map((c) => c.population));
    const over50 = splitLargestRemainder(Math.round((population * mix.a50) / mix.n), adults);
    list.forEach((c, i) => {
      codes.push(c.code);
      p18.push(adults[i]!);
      p50.push(over50[i]!);
    });
  }
  await conn.pool.query(
    `UPDATE areas a SET population_18_plus = v.p18, population_50_plus = v.p50, updated_at = now()
       FROM unnest($1::text[], $2::int[], $3::int[]) AS v(code, p18, p50) WHERE a.code = v.code`,
    [codes, p18, p50],
  );
  await conn.pool.query(`
    UPDATE areas p SET population_18_plus = s.p18, population_50_plus = s.p50, updated_at = now()
      FROM (SELECT p2.code, sum(c.population_18_plus)::int AS p18, sum(c.population_50_plus)::int AS p50
              FROM areas p2 JOIN areas c ON c.path <@ p2.path AND c.kind = 'commune'
             WHERE p2.kind <> 'commune' GROUP BY p2.code) s
     WHERE p.code = s.code AND p.population_18_plus IS NULL AND p.population_50_plus IS NULL AND (p.population IS NULL OR s.p18 <= p.population)`);
}
