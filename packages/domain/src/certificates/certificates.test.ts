import { describe, expect, it } from 'vitest';
import { CATALOG_VERSIONS, catalogAt } from '../vaccination/catalog';
import { dccNameFromFullName, icaoTransliterate } from './icao';
import { makeUvci, uvciCheckCharacter, uvciCheckValid, uvciOpaqueForId } from './uvci';
import {
  assertCodesAgree, certifiableDoses, certificateDoses, certificateExpiry, dccHolder, recoveryEntry, recoveryEntryFrom, vaccinationEntry, type RecordedDose,
} from './vaccination-certificate';

describe('UVCI check character (Luhn mod 38 over the DCC alphabet)', () => {
  it('matches check characters published by an EU issuer', () => {
    // Swedish eHealth Agency examples from the DCC schema FAQ and its tools.
    expect(uvciCheckCharacter('URN:UVCI:01:SE:EHM/V12907267LAJW')).toBe('E');
    expect(uvciCheckValid('URN:UVCI:01:SE:EHM/C878/123456789ABC#B')).toBe(true);
  });

  it('makes Vietnamese UVCIs that validate, and catches a changed character or a swap', () => {
    const u = makeUvci('2021/01HZK3Q9V8F2M4A7B6C5D3E2G1');
    expect(u).toMatch(/^URN:UVCI:01:VN:2021\/01HZK3Q9V8F2M4A7B6C5D3E2G1#[A-Z0-9/:]$/);
    expect(uvciCheckValid(u)).toBe(true);
    expect(uvciCheckValid(u.replace('HZK', 'HZL'))).toBe(false);
    expect(uvciCheckValid(u.replace('HZK', 'ZHK'))).toBe(false);
  });

  it('refuses malformed input without throwing', () => {
    expect(uvciCheckValid('')).toBe(false);
    expect(uvciCheckValid('URN:UVCI:01:VN:abc#A')).toBe(false);
    expect(uvciCheckValid('URN:UVCI:01:VN:ABC')).toBe(false);
    expect(() => makeUvci('a b')).toThrow(/opaque/);
  });

  it('derives a 26-character opaque part from the certificate id', () => {
    const opaque = uvciOpaqueForId('0190f5d2-7c1e-7a3b-9c4d-5e6f7a8b9c0d', new Date('2021-12-01T00:00:00Z'));
    expect(opaque).toMatch(/^2021\/[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(uvciOpaqueForId('0190f5d2-7c1e-7a3b-9c4d-5e6f7a8b9c0e', new Date('2021-12-01T00:00:00Z'))).not.toBe(opaque);
    expect(makeUvci(opaque).length).toBeLessThanOrEqual(80);
  });
});

describe('ICAO 9303 transliteration', () => {
  it.each([
    ['Nguyễn Văn An', 'NGUYEN<VAN<AN'],
    ['Đặng Thị Đào', 'DANG<THI<DAO'],
    ['đỗ  đức', 'DO<DUC'],
    ['Trần Thị Ngọc Hương', 'TRAN<THI<NGOC<HUONG'],
    ['Lê-Ánh', 'LE<ANH'],
    ["O'Neil", 'ONEIL'],
  ])('%s -> %s', (name, expected) => {
    expect(icaoTransliterate(name)).toBe(expected);
  });

  it('keeps the Vietnamese name and splits family and given names', () => {
    expect(dccNameFromFullName('Đỗ Thị Ánh Hồng')).toEqual({ fn: 'Đỗ', fnt: 'DO', gn: 'Thị Ánh Hồng', gnt: 'THI<ANH<HONG' });
    expect(dccNameFromFullName('Mai')).toEqual({ fn: 'Mai', fnt: 'MAI' });
  });

  it('caps at 80 characters and refuses letters it cannot transliterate', () => {
    expect(icaoTransliterate('A'.repeat(100))).toHaveLength(80);
    expect(() => icaoTransliterate('Иван')).toThrow(/transliteration/);
  });
});

const at = (day: string) => new Date(`${day}T02:00:00Z`);
let n = 0;
const dose = (product: string, day: string, doseKind: 'primary' | 'booster', doseNumber: number, extra: Partial<RecordedDose> = {}): RecordedDose => ({
  id: `00000000-0000-7000-8000-${String(++n).padStart(12, '0')}`, product, administeredAt: at(day), administeredOn: day, doseKind, doseNumber, verified: true, source: 'site', ...extra,
});
const uvci = makeUvci('TEST/1');

describe('which certificates doses give', () => {
  it('AstraZeneca 2/2: one certificate per completed series and for the latest dose (here the same)', () => {
    const doses = certifiableDoses([dose('EU/1/21/1529', '2021-07-01', 'primary', 1), dose('EU/1/21/1529', '2021-09-01', 'primary', 2)]);
    const certs = certificateDoses(doses);
    expect(certs).toHaveLength(1);
    const e = vaccinationEntry(certs[0]!, uvci);
    expect(e).toMatchObject({ tg: '840539006', mp: 'EU/1/21/1529', ma: 'ORG-100001699', vp: '29061000087103', dn: 2, sd: 2, dt: '2021-09-01', co: 'VN', ci: uvci });
  });

  it('a partial series gets 1/2', () => {
    const certs = certificateDoses(certifiableDoses([dose('EU/1/20/1528', '2021-08-01', 'primary', 1)]));
    expect(vaccinationEntry(certs[0]!, uvci)).toMatchObject({ dn: 1, sd: 2 });
  });

  it('a booster after two doses is 3/3 as the EU encodes it since December 2021, mixed products allowed', () => {
    const doses = certifiableDoses([dose('EU/1/21/1529', '2021-07-01', 'primary', 1), dose('EU/1/20/1528', '2021-09-01', 'primary', 2), dose('EU/1/20/1507', '2021-12-15', 'booster', 1)]);
    const certs = certificateDoses(doses);
    expect(certs.map((c) => c.doseNumber)).toEqual([2, 3]);
    expect(vaccinationEntry(certs[1]!, uvci)).toMatchObject({ mp: 'EU/1/20/1507', dn: 3, sd: 3 });
  });

  it('Janssen completes at 1/1; a booster after it is 2/1', () => {
    const doses = certifiableDoses([dose('EU/1/20/1525', '2021-08-01', 'primary', 1), dose('EU/1/20/1528', '2021-12-20', 'booster', 1)]);
    const certs = certificateDoses(doses);
    expect(vaccinationEntry(certs[0]!, uvci)).toMatchObject({ dn: 1, sd: 1, mp: 'EU/1/20/1525' });
    expect(vaccinationEntry(certs[1]!, uvci)).toMatchObject({ dn: 2, sd: 1 });
  });

  it('a rejected backfill no longer raises the number of a dose recorded on top of it: 2/2 becomes 1/2', () => {
    const backfill = dose('EU/1/21/1529', '2021-06-01', 'primary', 1, { verified: false, source: 'backfill', recordedAt: new Date('2021-08-01T00:00:00Z') });
    const site = dose('EU/1/21/1529', '2021-08-15', 'primary', 2, { recordedAt: new Date('2021-08-15T02:00:00Z') });
    expect(vaccinationEntry(certificateDoses(certifiableDoses([backfill, site])).at(-1)!, uvci)).toMatchObject({ dn: 2, sd: 2 });
    expect(vaccinationEntry(certificateDoses(certifiableDoses([{ ...backfill, rejected: true }, site])).at(-1)!, uvci)).toMatchObject({ dn: 1, sd: 2 });
    // Entered after the site dose, the rejected claim cannot have raised its number.
    const late = { ...backfill, rejected: true, recordedAt: new Date('2021-09-01T00:00:00Z') };
    expect(vaccinationEntry(certificateDoses(certifiableDoses([late, site])).at(-1)!, uvci)).toMatchObject({ dn: 2, sd: 2 });
  });

  it('Abdala is complete at 3/3', () => {
    const doses = certifiableDoses(['2021-09-01', '2021-09-15', '2021-09-29'].map((d, i) => dose('Abdala', d, 'primary', i + 1)));
    const certs = certificateDoses(doses);
    expect(certs).toHaveLength(1);
    expect(vaccinationEntry(certs[0]!, uvci)).toMatchObject({ dn: 3, sd: 3, ma: 'CIGB' });
  });

  it('unverified backfills do not count', () => {
    const doses = certifiableDoses([dose('EU/1/21/1529', '2021-07-01', 'primary', 1), dose('EU/1/21/1529', '2021-09-01', 'primary', 2, { verified: false, source: 'backfill' })]);
    expect(doses).toHaveLength(1);
    expect(vaccinationEntry(certificateDoses(doses)[0]!, uvci)).toMatchObject({ dn: 1, sd: 2 });
  });

  it('trusts a recorded number above the history (dose 1 abroad, not recorded)', () => {
    const doses = certifiableDoses([dose('EU/1/20/1528', '2021-09-01', 'primary', 2)]);
    expect(vaccinationEntry(certificateDoses(doses)[0]!, uvci)).toMatchObject({ dn: 2, sd: 2 });
  });

  it('accepts catalog codes as well as EU product codes, and refuses unknown products', () => {
    expect(certifiableDoses([dose('pfizer', '2021-09-01', 'primary', 1)])[0]!.vaccine).toBe('pfizer');
    expect(() => certifiableDoses([dose('EU/9/99/9999', '2021-09-01', 'primary', 1)])).toThrow(/not in the catalog/);
  });

  it('refuses holder or type codes that disagree with the catalog', () => {
    const catalog = catalogAt(at('2021-09-01'));
    expect(() => assertCodesAgree({ mp: 'EU/1/20/1528', ma: 'ORG-100030215', vp: '1119349007' }, catalog)).not.toThrow();
    expect(() => assertCodesAgree({ mp: 'EU/1/20/1528', ma: 'ORG-100001699', vp: '1119349007' }, catalog)).toThrow(/Holder or type/);
    expect(() => assertCodesAgree({ mp: 'EU/1/20/1528', ma: 'ORG-100030215', vp: '29061000087103' }, catalog)).toThrow(/Holder or type/);
    expect(() => assertCodesAgree({ mp: 'nope', ma: 'x', vp: 'y' }, catalog)).toThrow(/not in the catalog/);
    for (const v of CATALOG_VERSIONS) for (const p of v.vaccines) expect(() => assertCodesAgree(p.dcc, v)).not.toThrow();
  });

  it('refuses a UVCI whose check character is wrong', () => {
    const doses = certifiableDoses([dose('EU/1/20/1528', '2021-09-01', 'primary', 1)]);
    expect(() => vaccinationEntry(doses[0]!, 'URN:UVCI:01:VN:TEST/1#A'.replace('#A', uvci.endsWith('A') ? '#B' : '#A'))).toThrow(/check character/);
  });
});

describe('holder and expiry', () => {
  it('puts the Vietnamese name, its transliteration and a partial birth date', () => {
    expect(dccHolder({ fullName: 'Nguyễn Văn Đức', birthDate: '1985' })).toEqual({ ver: '1.3.0', nam: { fn: 'Nguyễn', fnt: 'NGUYEN', gn: 'Văn Đức', gnt: 'VAN<DUC' }, dob: '1985' });
    expect(dccHolder({ fullName: 'A B', birthDate: null }).dob).toBe('');
    expect(() => dccHolder({ fullName: 'A B', birthDate: '1985-13-01' })).toThrow(/birth date/);
  });

  it('expires 12 calendar months after issue', () => {
    expect(certificateExpiry(new Date('2021-12-01T08:30:00Z')).toISOString()).toBe('2022-12-01T08:30:00.000Z');
    expect(certificateExpiry(new Date('2024-02-29T00:00:00Z')).toISOString()).toBe('2025-02-28T00:00:00.000Z');
  });
});

describe('recovery certificate hook', () => {
  const test = { id: 't1', sampledAt: new Date('2021-08-01T03:00:00Z'), testType: 'naat' as const, result: 'positive' as const };
  it('is valid from day 11 to day 180 after the positive NAAT sample', () => {
    const r = recoveryEntry(test, uvci);
    expect(r.entry).toEqual({ tg: '840539006', fr: '2021-08-01', co: 'VN', is: 'Ministry of Health of Viet Nam', df: '2021-08-12', du: '2022-01-28', ci: uvci });
  });
  it('uses the Viet Nam calendar day of the sample (23:30 UTC is the next day)', () => {
    expect(recoveryEntry({ ...test, sampledAt: new Date('2021-07-31T23:30:00Z') }, uvci).entry.fr).toBe('2021-08-01');
  });
  it('takes the country and issuer the testing module gives; names the field of a bad value', () => {
    const r = recoveryEntryFrom({ firstPositiveOn: '2021-12-31', country: 'LA', issuer: ' Lao MoH ' }, uvci);
    expect(r.entry).toMatchObject({ fr: '2021-12-31', co: 'LA', is: 'Lao MoH', df: '2022-01-11', du: '2022-06-29' });
    expect(() => recoveryEntryFrom({ firstPositiveOn: '2021-02-30', country: 'VN', issuer: 'x' }, uvci)).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'firstPositiveOn' }) }));
    expect(() => recoveryEntryFrom({ firstPositiveOn: '2021-02-03', country: 'vn', issuer: 'x' }, uvci)).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'country' }) }));
    expect(() => recoveryEntryFrom({ firstPositiveOn: '2021-02-03', country: 'VN', issuer: 'x'.repeat(81) }, uvci)).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'issuer' }) }));
  });
  it('refuses negative and rapid antigen tests', () => {
    expect(() => recoveryEntry({ ...test, result: 'negative' }, uvci)).toThrow(/positive/);
    expect(() => recoveryEntry({ ...test, testType: 'rat' }, uvci)).toThrow(/NAAT/);
  });
});
