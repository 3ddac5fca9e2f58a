import { AppError } from '../app-error';
import { parsePartialDate } from '../partial-date';
import { addDays, dayToDate, vnDayNumber } from '../vaccination/calendar';
import { catalogAt, type CatalogVersion, type VaccineDefinition } from '../vaccination/catalog';
import { classifyDoses, euDoseEncoding, type ClassifiedDose } from '../vaccination/dose-rules';
import { dccNameFromFullName, type DccName } from './icao';
import { UVCI_MAX_LENGTH, uvciCheckValid } from './uvci';

/**
 * Which certificates a person's doses give, and the DCC content of each (EU DCC schema 1.3). Pure: the server
 * reads the doses and the person, signs and stores; this decides.
 */

export const DCC_SCHEMA_VERSION = '1.3.0';
export const DCC_COUNTRY = 'VN';
/** The certificate issuer (`is`), at most 80 characters. */
export const DCC_ISSUER_NAME = 'Ministry of Health of Viet Nam';
/** Decision 5772/QĐ-BYT: a certificate expires 12 months after issue. */
export const CERTIFICATE_VALIDITY_MONTHS = 12;

export type CertificateKind = 'vaccination' | 'recovery' | 'test';

/** A dose as the `doses` table records it (migration 0011). */
export interface RecordedDose {
  id: string;
  /** EU product code (`mp`), or the catalog code. */
  product: string;
  administeredAt: Date;
  /** Viet Nam calendar day, YYYY-MM-DD. */
  administeredOn: string;
  doseKind: 'primary' | 'booster';
  /** 1.. within its kind. */
  doseNumber: number;
  verified: boolean;
  source: 'site' | 'backfill';
  /** A backfilled dose a reviewer rejected: it never counts, and numbers recorded on top of it are lowered. */
  rejected?: boolean;
  /** When the dose was entered; a rejected dose entered after another cannot have raised that one's number. */
  recordedAt?: Date;
}

export function vaccineForProduct(catalog: CatalogVersion, product: string): VaccineDefinition | undefined {
  return catalog.vaccines.find((v) => v.code === product || v.dcc.mp === product);
}

export interface CertifiableDose extends ClassifiedDose {
  doseId: string;
  administeredOn: string;
}

/**
 * Only verified doses count (an unverified backfill is a claim, not a record). Numbers come from the recorded
 * kind and number, so a dose 1 given abroad and not recorded still makes the recorded one dose 2; a booster's
 * number is counted above the series length of the product the person started with. A site numbers a dose from
 * the history it sees, pending backfills included: each rejected backfill given before a dose, and entered before
 * it, lowers that dose's recorded number by one.
 */
export function certifiableDoses(doses: readonly RecordedDose[], catalogFor: (d: Date) => CatalogVersion = (d) => catalogAt(d)): CertifiableDose[] {
  const rejected = doses.filter((d) => d.rejected && !d.verified);
  const verified = doses.filter((d) => d.verified).sort((a, b) => a.administeredAt.getTime() - b.administeredAt.getTime() || a.id.localeCompare(b.id));
  if (verified.length === 0) return [];
  const latestCatalog = catalogFor(verified[verified.length - 1]!.administeredAt);
  const firstPrimary = verified.find((d) => d.doseKind === 'primary') ?? verified[0]!;
  const seriesLength = vaccineForProduct(latestCatalog, firstPrimary.product)?.seriesDoses ?? null;
  const records = verified.map((d) => {
    const vaccine = vaccineForProduct(latestCatalog, d.product);
    if (!vaccine) throw new AppError('unknown_vaccine', `Vaccine "${d.product}" is not in the catalog`, { product: d.product, doseId: d.id }, 422);
    const overall = d.doseKind === 'booster' && seriesLength !== null ? seriesLength + d.doseNumber : d.doseNumber;
    const raisedBy = rejected.filter((r) => r.administeredAt < d.administeredAt && (!r.recordedAt || !d.recordedAt || r.recordedAt <= d.recordedAt)).length;
    return { date: d.administeredAt, vaccine: vaccine.code, doseNumber: Math.max(1, overall - raisedBy) };
  });
  // classifyDoses numbers from the history in date order and knows the series length of the first product.
  const classified = classifyDoses(records, latestCatalog);
  return classified.map((c, i) => ({ ...c, doseId: verified[i]!.id, administeredOn: verified[i]!.administeredOn }));
}

/**
 * The doses that deserve a certificate: each one that completes the primary series, each booster, and the latest
 * dose (a partial series still gets a certificate saying 1/2).
 */
export function certificateDoses(doses: readonly CertifiableDose[]): CertifiableDose[] {
  const last = doses[doses.length - 1];
  return doses.filter((d) => d === last || d.kind === 'booster' || (d.seriesLength !== null && d.doseNumber === d.seriesLength));
}

export interface VaccinationEntry {
  tg: string;
  vp: string;
  mp: string;
  ma: string;
  dn: number;
  sd: number;
  dt: string;
  co: string;
  is: string;
  ci: string;
}

/** Product, holder and type codes must be the catalog's for that product: a mismatch is refused, never signed. */
export function assertCodesAgree(entry: Pick<VaccinationEntry, 'mp' | 'ma' | 'vp'>, catalog: CatalogVersion): void {
  const vaccine = catalog.vaccines.find((v) => v.dcc.mp === entry.mp);
  if (!vaccine) throw new AppError('dcc_codes_mismatch', `Product ${entry.mp} is not in the catalog`, { mp: entry.mp }, 422);
  if (vaccine.dcc.ma !== entry.ma || vaccine.dcc.vp !== entry.vp) {
    throw new AppError('dcc_codes_mismatch', `Holder or type code does not match the catalog for ${entry.mp}`, { mp: entry.mp, ma: entry.ma, vp: entry.vp, expected: vaccine.dcc }, 422);
  }
}

export function vaccinationEntry(dose: CertifiableDose, uvci: string, catalog: CatalogVersion = catalogAt(dose.date)): VaccinationEntry {
  if (!uvciCheckValid(uvci) || uvci.length > UVCI_MAX_LENGTH) throw new AppError('uvci_invalid', 'UVCI check character is wrong', { uvci });
  const codes = euDoseEncoding(dose, catalog);
  if (!codes) throw new AppError('unknown_vaccine', `Vaccine "${dose.vaccine}" or its series is not in the catalog`, { vaccine: dose.vaccine }, 422);
  assertCodesAgree(codes, catalog);
  return { tg: codes.tg, vp: codes.vp, mp: codes.mp, ma: codes.ma, dn: codes.dn, sd: codes.sd, dt: dose.administeredOn, co: DCC_COUNTRY, is: DCC_ISSUER_NAME, ci: uvci };
}

export interface CertificateHolder {
  fullName: string;
  /** Partial dates allowed ('1985', '1985-07', '1985-07-14'), as the DCC `dob` allows. */
  birthDate: string | null;
}

export interface Dcc {
  ver: string;
  nam: DccName;
  dob: string;
  v?: VaccinationEntry[];
  r?: RecoveryEntry[];
}

export function dccHolder(holder: CertificateHolder): Pick<Dcc, 'ver' | 'nam' | 'dob'> {
  const dob = holder.birthDate ?? '';
  if (dob !== '' && (!/^(19|20)\d\d(-\d\d){0,2}$/.test(dob) || !parsePartialDate(dob, new Date(8.64e15)))) {
    throw new AppError('birth_date_invalid', 'The birth date cannot go on a certificate', { birthDate: dob }, 422);
  }
  return { ver: DCC_SCHEMA_VERSION, nam: dccNameFromFullName(holder.fullName), dob };
}

export function vaccinationDcc(holder: CertificateHolder, entry: VaccinationEntry): Dcc {
  return { ...dccHolder(holder), v: [entry] };
}

/** Same instant, 12 calendar months later (29 Feb + 12 months = 28 Feb). */
export function certificateExpiry(issuedAt: Date, months = CERTIFICATE_VALIDITY_MONTHS): Date {
  const d = new Date(issuedAt.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

// ---------------- recovery (the hook for when testing exists) ----------------

/** A positive test as the testing module will record it. */
export interface PositiveTestRecord {
  id: string;
  /** When the sample was taken: the DCC `fr` is its day. */
  sampledAt: Date;
  /** Only NAAT (PCR) results give a recovery certificate under the EU rules. */
  testType: 'naat' | 'rat';
  result: 'positive' | 'negative';
}

export interface RecoveryEntry {
  tg: string;
  fr: string;
  co: string;
  is: string;
  df: string;
  du: string;
  ci: string;
}

/** EU rules: valid from day 11 after the first positive NAAT test, until day 180 at the latest. */
export const RECOVERY_VALID_FROM_DAYS = 11;
export const RECOVERY_VALID_UNTIL_DAYS = 180;

const isoOf = (d: Date) => d.toISOString().slice(0, 10);

/** What a recovery certificate states, as the testing module (or staff) gives it. */
export interface RecoveryFacts {
  /** Viet Nam calendar day (YYYY-MM-DD) of the first positive NAAT test: the DCC `fr`. */
  firstPositiveOn: string;
  /** ISO 3166 alpha-2 country where the test was taken (`co`). */
  country: string;
  /** Who issues the certificate (`is`), at most 80 characters. */
  issuer: string;
}

const badField = (field: string, message: string) => new AppError('invalid_recovery', `${field}: ${message}`, { field, errors: [{ field, message }] }, 400);

/**
 * The recovery entry for a first positive test: valid from day 11 after it until day 180 (EU rules, `df`/`du`).
 * Throws a 400 naming the field for a date that is not a real day, a country that is not two capitals, or an
 * issuer outside 1 to 80 characters.
 */
export function recoveryEntryFrom(facts: RecoveryFacts, uvci: string): { entry: RecoveryEntry; validFrom: Date; validUntil: Date } {
  const first = /^\d{4}-\d{2}-\d{2}$/.test(facts.firstPositiveOn) ? new Date(`${facts.firstPositiveOn}T00:00:00Z`) : null;
  if (!first || Number.isNaN(first.getTime()) || isoOf(first) !== facts.firstPositiveOn) throw badField('firstPositiveOn', 'a real day, YYYY-MM-DD');
  if (!/^[A-Z]{2}$/.test(facts.country)) throw badField('country', 'two capital letters (ISO 3166), e.g. VN');
  const issuer = facts.issuer.trim();
  if (issuer.length < 1 || issuer.length > 80) throw badField('issuer', '1 to 80 characters');
  if (!uvciCheckValid(uvci)) throw new AppError('uvci_invalid', 'UVCI check character is wrong', { uvci });
  const validFrom = addDays(first, RECOVERY_VALID_FROM_DAYS);
  const validUntil = addDays(first, RECOVERY_VALID_UNTIL_DAYS);
  return {
    entry: { tg: '840539006', fr: facts.firstPositiveOn, co: facts.country, is: issuer, df: isoOf(validFrom), du: isoOf(validUntil), ci: uvci },
    validFrom,
    validUntil,
  };
}

/** The recovery certificate content for a positive test record, or the reason there is none. */
export function recoveryEntry(test: PositiveTestRecord, uvci: string): { entry: RecoveryEntry; validFrom: Date; validUntil: Date } {
  if (test.result !== 'positive') throw new AppError('test_not_positive', 'Only a positive test gives a recovery certificate', {}, 422);
  if (test.testType !== 'naat') throw new AppError('test_type_not_accepted', 'Only a NAAT (PCR) test gives a recovery certificate', { testType: test.testType }, 422);
  return recoveryEntryFrom({ firstPositiveOn: isoOf(dayToDate(vnDayNumber(test.sampledAt))), country: DCC_COUNTRY, issuer: DCC_ISSUER_NAME }, uvci);
}

export function recoveryDcc(holder: CertificateHolder, entry: RecoveryEntry): Dcc {
  return { ...dccHolder(holder), r: [entry] };
}
