import { describe, expect, it } from 'vitest';
import { mapTargetHeaders, parseBirthDateCell, parseTargetRow } from './target-import';

const TODAY = new Date('2021-08-01T00:00:00Z');
const GROUPS = new Map([['G01', 'G01'], ['1', 'G01'], ['G08', 'G08'], ['8', 'G08']]);

describe('mapTargetHeaders', () => {
  it('accepts Vietnamese headers with or without diacritics, and English ones', () => {
    const vi = mapTargetHeaders(['STT', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Số CCCD/CMND', 'Số điện thoại', 'Mã xã', 'Nhóm ưu tiên']);
    expect(vi.columns).toEqual({ fullName: 1, birthDate: 2, sex: 3, nationalId: 4, phone: 5, communeCode: 6, priorityGroup: 7 });
    expect(vi.unknown).toEqual(['STT']);
    expect(vi.missing).toEqual([]);
    const plain = mapTargetHeaders(['HO VA TEN', 'ngay sinh', 'MA XA']);
    expect(plain.missing).toEqual([]);
    const en = mapTargetHeaders(['Full name', 'Birth date', 'Commune code', 'National ID', 'Priority group']);
    expect(en.columns.nationalId).toBe(3);
  });

  it('names missing required columns and repeated ones', () => {
    const m = mapTargetHeaders(['Họ và tên', 'Full name', 'Phone']);
    expect(m.missing).toEqual(['birthDate', 'communeCode']);
    expect(m.repeated).toEqual(['fullName']);
  });
});

describe('parseBirthDateCell', () => {
  it('reads Vietnamese day-first dates, ISO dates, years and spreadsheet dates', () => {
    expect(parseBirthDateCell('07/03/1990', TODAY)).toBe('1990-03-07');
    expect(parseBirthDateCell('1990-03-07', TODAY)).toBe('1990-03-07');
    expect(parseBirthDateCell('1954', TODAY)).toBe('1954');
    expect(parseBirthDateCell('03/1954', TODAY)).toBe('1954-03');
    expect(parseBirthDateCell(new Date('1980-12-31T00:00:00Z'), TODAY)).toBe('1980-12-31');
    expect(parseBirthDateCell('31/02/1990', TODAY)).toBeNull();
    expect(parseBirthDateCell('01/01/2030', TODAY)).toBeNull();
  });
});

describe('parseTargetRow', () => {
  it('accepts a good row and normalises it', () => {
    const r = parseTargetRow({ fullName: '  Nguyễn  Văn An ', birthDate: '07/03/1990', sex: 'Nam', nationalId: '001090012345', phone: '+84 912 345 678', communeCode: '00004', priorityGroup: '8' }, GROUPS, TODAY);
    expect(r).toEqual({ ok: true, row: { fullName: 'Nguyễn Văn An', birthDate: '1990-03-07', sex: 'male', nationalId: { kind: 'cccd', value: '001090012345' }, phone: '0912345678', communeCode: '00004', priorityGroup: 'G08' } });
  });

  it('reports every problem of a row with its column', () => {
    const r = parseTargetRow({ fullName: '', birthDate: '32/13/1990', sex: 'X', nationalId: '12345', phone: '12', communeCode: 'abc', priorityGroup: '99' }, GROUPS, TODAY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.column}:${p.problem}`)).toEqual([
      'fullName:required', 'birthDate:invalid_date', 'sex:invalid_sex', 'nationalId:invalid_identifier', 'phone:invalid_phone', 'communeCode:invalid_commune', 'priorityGroup:unknown_group',
    ]);
  });

  it('refuses a CCCD whose birth-year digits disagree with the birth date', () => {
    const r = parseTargetRow({ fullName: 'Lê Thị Hoa', birthDate: '1985', sex: 'Nữ', nationalId: '001190012345', communeCode: '00004' }, GROUPS, TODAY);
    expect(r.ok).toBe(false);
  });

  it('refuses control characters in a name (hostile cells)', () => {
    const r = parseTargetRow({ fullName: 'An\u0000=cmd', birthDate: '1990', communeCode: '00004' }, GROUPS, TODAY);
    expect(r.ok).toBe(false);
  });
});
