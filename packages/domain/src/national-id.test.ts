import { describe, expect, it } from 'vitest';
import { CCCD_PROVINCE_CODES, cccdCenturyDigit, checkNationalId, idKindsForValue, normaliseNationalId, normalisePhone } from './national-id';

describe('CCCD', () => {
  it('knows the 63 province codes', () => {
    expect(CCCD_PROVINCE_CODES.size).toBe(63);
    for (const code of ['001', '079', '096', '048']) expect(CCCD_PROVINCE_CODES.has(code)).toBe(true);
    for (const code of ['000', '003', '097', '100']) expect(CCCD_PROVINCE_CODES.has(code)).toBe(false);
  });

  it.each([
    [1990, 'male', 0],
    [1990, 'female', 1],
    [1900, 'male', 0],
    [1999, 'female', 1],
    [2000, 'male', 2],
    [2005, 'female', 3],
    [2099, 'male', 2],
    [2100, 'female', 5],
  ] as const)('century digit for %i %s is %i', (year, sex, digit) => {
    expect(cccdCenturyDigit(year, sex)).toBe(digit);
  });

  it('accepts numbers that agree with the birth year and sex, with spaces, dots and dashes', () => {
    expect(checkNationalId('cccd', '001090123456', { birthYear: 1990, sex: 'male' })).toEqual({ ok: true, value: '001090123456' });
    expect(checkNationalId('cccd', '079 190 123.456', { birthYear: 1990, sex: 'female' })).toEqual({ ok: true, value: '079190123456' });
    expect(checkNationalId('cccd', '001-205-000001', { birthYear: 2005, sex: 'male' })).toEqual({ ok: true, value: '001205000001' });
    expect(checkNationalId('cccd', '001305000001', { birthYear: 2005, sex: 'female' }).ok).toBe(true);
    // unknown sex: only the century is checked
    expect(checkNationalId('cccd', '001305000001', { birthYear: 2005, sex: 'unknown' }).ok).toBe(true);
    // no birth year: only the form and the province
    expect(checkNationalId('cccd', '001990000001').ok).toBe(true);
  });

  it.each([
    ['00109012345', {}, 'CCCD must be 12 digits'],
    ['0010901234567', {}, 'CCCD must be 12 digits'],
    ['00109012345a', {}, 'CCCD must be 12 digits'],
    ['000090123456', {}, 'CCCD province code 000 does not exist'],
    ['003090123456', {}, 'CCCD province code 003 does not exist'],
    ['001085123456', { birthYear: 1990 }, 'CCCD birth-year digits do not match the date of birth'],
    ['001290123456', { birthYear: 1990 }, 'CCCD century digit does not match the date of birth'],
    ['001005123456', { birthYear: 2005 }, 'CCCD century digit does not match the date of birth'],
    ['001190123456', { birthYear: 1990, sex: 'male' }, 'CCCD sex digit does not match the sex'],
    ['001205123456', { birthYear: 2005, sex: 'female' }, 'CCCD sex digit does not match the sex'],
  ] as const)('refuses %s %j', (value, ctx, reason) => {
    expect(checkNationalId('cccd', value, ctx)).toEqual({ ok: false, reason });
  });
});

describe('other identifiers', () => {
  it('checks CMND, passport and BHXH forms', () => {
    expect(checkNationalId('cmnd', '012 345 678')).toEqual({ ok: true, value: '012345678' });
    expect(checkNationalId('cmnd', '01234567').ok).toBe(false);
    expect(checkNationalId('cmnd', '0123456789').ok).toBe(false);
    expect(checkNationalId('passport', 'b1234567')).toEqual({ ok: true, value: 'B1234567' });
    expect(checkNationalId('passport', 'B123456').ok).toBe(false);
    expect(checkNationalId('passport', '12345678').ok).toBe(false);
    expect(checkNationalId('bhxh', '01.2345.6789')).toEqual({ ok: true, value: '0123456789' });
    expect(checkNationalId('bhxh', '012345678').ok).toBe(false);
  });
  it('normalises without checking', () => {
    expect(normaliseNationalId('passport', ' c 765-4321 ')).toBe('C7654321');
    expect(normaliseNationalId('cccd', '001 090.123-456')).toBe('001090123456');
  });
  it('guesses the kinds a bare number can be', () => {
    expect(idKindsForValue('001 090 123 456')).toEqual([{ kind: 'cccd', value: '001090123456' }]);
    expect(idKindsForValue('012345678')).toEqual([{ kind: 'cmnd', value: '012345678' }]);
    expect(idKindsForValue('0123456789')).toEqual([{ kind: 'bhxh', value: '0123456789' }]);
    expect(idKindsForValue('b1234567')).toEqual([{ kind: 'passport', value: 'B1234567' }]);
    expect(idKindsForValue('12345')).toEqual([]);
    expect(idKindsForValue("1' OR 1=1")).toEqual([]);
  });
});

describe('normalisePhone', () => {
  it.each([
    ['0912345678', '0912345678'],
    ['0912 345 678', '0912345678'],
    ['091.234.5678', '0912345678'],
    ['(091) 234-5678', '0912345678'],
    ['+84912345678', '0912345678'],
    ['+84 91 234 5678', '0912345678'],
    ['+840912345678', '0912345678'],
    ['84912345678', '0912345678'],
    ['0084912345678', '0912345678'],
    ['0351234567', '0351234567'],
    ['0561234567', '0561234567'],
    ['0771234567', '0771234567'],
    ['0881234567', '0881234567'],
  ])('%j -> %j', (raw, expected) => {
    expect(normalisePhone(raw)).toBe(expected);
  });
  it.each(['', '12345', '0212345678', '02438123456', '091234567', '09123456789', '+1 415 555 0100', 'abc', '0912345678x', '84 912 345 67'])('refuses %j', (raw) => {
    expect(normalisePhone(raw)).toBeNull();
  });
});
