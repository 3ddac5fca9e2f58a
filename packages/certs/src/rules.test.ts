import { describe, expect, it } from 'vitest';
import { CATALOG_VERSIONS, shiftDay } from '@sen/domain';
import { defaultRuleSet, evaluateCheckpoint, evaluateQrColour, parseRuleSet, vnDate } from './rules';

const rules = defaultRuleSet();
const mpOf = (code: string) => CATALOG_VERSIONS.at(-1)!.vaccines.find((v) => v.code === code)!.dcc;
const vacc = (code: string, dn: number, sd: number, dt: string) => ({
  ver: '1.3.0', nam: { fn: 'Đặng', fnt: 'DANG', gn: 'Thị Hương', gnt: 'THI<HUONG' }, dob: '1980-01-02',
  v: [{ tg: '840539006', ...mpOf(code), dn, sd, dt, co: 'VN', is: 'Ministry of Health of Viet Nam', ci: 'URN:UVCI:01:VN:X#1' }],
});
const rec = (fr: string) => ({ ver: '1.3.0', nam: { fnt: 'LE' }, dob: '1970', r: [{ tg: '840539006', fr, co: 'VN', is: 'Bộ Y tế', df: fr, du: fr, ci: 'URN:UVCI:01:VN:R#1' }] });
// Viet Nam morning of a calendar day: 06:00 +07:00 is 23:00 UTC the day before, the case a UTC-only rule gets wrong.
const vnMorning = (day: string) => new Date(`${day}T06:00:00+07:00`);

describe('checkpoint rule (CertLogic): full series and 14 days', () => {
  const codes = ['astrazeneca', 'pfizer', 'moderna', 'verocell', 'sputnikv', 'hayatvax'];
  for (const code of codes) {
    it(`${code} 2/2: day 13 refused, day 14 accepted (Viet Nam calendar)`, () => {
      const dcc = vacc(code, 2, 2, '2021-10-01');
      expect(evaluateCheckpoint(rules, dcc, vnMorning(shiftDay('2021-10-01', 13))).ok).toBe(false);
      expect(evaluateCheckpoint(rules, dcc, vnMorning(shiftDay('2021-10-01', 14))).ok).toBe(true);
    });
  }
  it('an incomplete series is refused however old: 1/2', () => {
    expect(evaluateCheckpoint(rules, vacc('astrazeneca', 1, 2, '2021-06-01'), vnMorning('2021-12-01'))).toMatchObject({ ok: false, failed: [{ id: 'VN-CP-V-0001' }] });
  });
  it('Janssen 1/1 needs 14 days; Abdala needs 3/3 and 14 days', () => {
    expect(evaluateCheckpoint(rules, vacc('janssen', 1, 1, '2021-10-01'), vnMorning('2021-10-14')).ok).toBe(false);
    expect(evaluateCheckpoint(rules, vacc('janssen', 1, 1, '2021-10-01'), vnMorning('2021-10-15')).ok).toBe(true);
    expect(evaluateCheckpoint(rules, vacc('abdala', 2, 3, '2021-10-01'), vnMorning('2021-12-01')).ok).toBe(false);
    expect(evaluateCheckpoint(rules, vacc('abdala', 3, 3, '2021-10-01'), vnMorning('2021-10-14')).ok).toBe(false);
    expect(evaluateCheckpoint(rules, vacc('abdala', 3, 3, '2021-10-01'), vnMorning('2021-10-15')).ok).toBe(true);
  });
  it('boosters count at once: 3/3 and 4/4 after two doses, 2/1 after Janssen, and the older 3/2 and 2/2 encodings', () => {
    for (const [code, dn, sd] of [['pfizer', 3, 2], ['moderna', 3, 3], ['pfizer', 4, 4], ['pfizer', 2, 1], ['janssen', 2, 2]] as const) {
      expect(evaluateCheckpoint(rules, vacc(code, dn, sd, '2022-01-10'), vnMorning('2022-01-10')).ok, `${code} ${dn}/${sd}`).toBe(true);
    }
  });
  it('recovery: day 10 refused, 11 and 180 accepted, 181 refused', () => {
    const fr = '2021-08-01';
    const at = (n: number) => evaluateCheckpoint(rules, rec(fr), vnMorning(shiftDay(fr, n))).ok;
    expect([at(10), at(11), at(180), at(181)]).toEqual([false, true, true, false]);
  });
  it('a test certificate: negative PCR within 72 hours only', () => {
    const t = (tr: string, sc: string) => ({ ver: '1.3.0', nam: { fnt: 'LE' }, dob: '1970', t: [{ tg: '840539006', tt: 'LP6464-4', sc, tr, co: 'VN', is: 'x', ci: 'URN:UVCI:01:VN:T#1' }] });
    expect(evaluateCheckpoint(rules, t('260415000', '2021-10-01T08:00:00Z'), new Date('2021-10-04T07:59:00Z')).ok).toBe(true);
    expect(evaluateCheckpoint(rules, t('260415000', '2021-10-01T08:00:00Z'), new Date('2021-10-04T08:01:00Z')).ok).toBe(false);
    expect(evaluateCheckpoint(rules, t('260373001', '2021-10-01T08:00:00Z'), new Date('2021-10-01T09:00:00Z')).ok).toBe(false);
  });
});

describe('personal QR colour rule (CertLogic)', () => {
  const colour = (dcc: Record<string, unknown>, day: string) => evaluateQrColour(rules, dcc, vnMorning(day));
  it('recovered: black before day 11, green from day 11 to day 179, black from day 180', () => {
    const fr = '2021-08-01';
    expect([10, 11, 179, 180, 181].map((n) => colour(rec(fr), shiftDay(fr, n)))).toEqual(['black', 'green', 'green', 'black', 'black']);
  });
  it('one dose of a two-dose vaccine: black on day 13, green from day 14 (Viet Nam calendar)', () => {
    for (const code of ['astrazeneca', 'pfizer', 'moderna', 'verocell', 'sputnikv', 'hayatvax']) {
      expect([13, 14].map((n) => colour(vacc(code, 1, 2, '2021-10-01'), shiftDay('2021-10-01', n))), code).toEqual(['black', 'green']);
      expect([13, 14].map((n) => colour(vacc(code, 2, 2, '2021-10-01'), shiftDay('2021-10-01', n))), code).toEqual(['black', 'green']);
    }
  });
  it('Abdala (three doses) counts only complete: 1/3 and 2/3 stay black, 3/3 green from day 14', () => {
    expect(colour(vacc('abdala', 1, 3, '2021-09-01'), '2021-12-01')).toBe('black');
    expect(colour(vacc('abdala', 2, 3, '2021-09-01'), '2021-12-01')).toBe('black');
    expect([13, 14].map((n) => colour(vacc('abdala', 3, 3, '2021-10-01'), shiftDay('2021-10-01', n)))).toEqual(['black', 'green']);
  });
  it('Janssen 1/1 is a complete series: green from day 14', () => {
    expect([13, 14].map((n) => colour(vacc('janssen', 1, 1, '2021-10-01'), shiftDay('2021-10-01', n)))).toEqual(['black', 'green']);
  });
  it('a booster is green at once, however it is encoded (3/3, 4/4, 2/1, 3/2)', () => {
    for (const [code, dn, sd] of [['pfizer', 3, 3], ['moderna', 4, 4], ['pfizer', 2, 1], ['pfizer', 3, 2], ['pfizer', 4, 4]] as const) {
      expect(colour(vacc(code, dn, sd, '2022-01-10'), '2022-01-10'), `${code} ${dn}/${sd}`).toBe('green');
    }
  });
  it('a product outside the catalog takes its series from sd: 1/2 counts as one dose of two, 1/3 does not', () => {
    const foreign = (dn: number, sd: number) => ({ ...vacc('pfizer', dn, sd, '2021-09-01'), v: [{ ...vacc('pfizer', dn, sd, '2021-09-01').v[0]!, mp: 'Covaxin' }] });
    expect(colour(foreign(1, 2), '2021-10-01')).toBe('green');
    expect(colour(foreign(1, 3), '2021-10-01')).toBe('black');
  });
  it('no rule, or a malformed certificate, gives black', () => {
    expect(evaluateQrColour({ ...rules, rules: [] }, vacc('pfizer', 2, 2, '2021-01-01'), new Date())).toBe('black');
    expect(evaluateQrColour(rules, { ver: '1.3.0', v: [{ dt: 'not a date' }] }, new Date())).toBe('black');
  });
});

describe('rule sets as data', () => {
  it('round-trips through JSON and rejects a rule that is not CertLogic', () => {
    expect(parseRuleSet(JSON.parse(JSON.stringify(rules)))).toEqual(rules);
    expect(() => parseRuleSet({ ...rules, rules: [{ id: 'x', purpose: 'checkpoint', logic: { var: 1 } }] })).toThrow(/CertLogic/);
    expect(() => parseRuleSet({ rules: [] })).toThrow(/version/);
  });
  it('an unknown type is refused at the checkpoint', () => {
    expect(evaluateCheckpoint(rules, { ver: '1.3.0' }, new Date()).ok).toBe(false);
  });
  it('Viet Nam calendar day', () => {
    expect(vnDate(new Date('2021-10-13T17:00:00Z'))).toBe('2021-10-14');
    expect(vnDate(new Date('2021-10-13T16:59:59Z'))).toBe('2021-10-13');
  });
});
