import { describe, expect, it } from 'vitest';
import { cleanPersonName, cleanText, foldDiacritics, hasDiacritics, maskName, searchForm, toNfc } from './text';

describe('searchForm', () => {
  it.each([
    ['Nguyễn Văn Đức', 'nguyen van duc'],
    ['NGUYỄN VĂN ĐỨC', 'nguyen van duc'],
    ['nguyen van duc', 'nguyen van duc'],
    ['Đặng Thị Ánh Tuyết', 'dang thi anh tuyet'],
    ['đ Đ', 'd d'],
    ['Phạm Thị Hương Trà', 'pham thi huong tra'],
    ['Lưu Ngọc Ơn', 'luu ngoc on'],
    ['Vũ Hoàng Yến', 'vu hoang yen'],
    ['Trần   Thị\tLan ', 'tran thi lan'],
    ['Nguyễn-Văn.An', 'nguyen van an'],
    ["Robert'); DROP TABLE people; --", 'robert drop table people'],
    ['100% _x_', '100 x'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(searchForm(input)).toBe(expected);
  });

  it('gives the same form for composed and decomposed input', () => {
    const name = 'Nguyễn Thị Hồng Nhung';
    expect(searchForm(name.normalize('NFD'))).toBe(searchForm(name.normalize('NFC')));
  });

  it('folds every tone on every vowel', () => {
    const vowels = 'aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ';
    expect(searchForm(vowels)).toMatch(/^[aeiouy]+$/);
    expect(searchForm(vowels.toUpperCase())).toBe(searchForm(vowels));
  });
});

describe('toNfc, foldDiacritics, hasDiacritics', () => {
  it('composes and collapses spaces', () => {
    expect(toNfc('  Ngô\u0302  An ')).toBe('Ngô̂ An'.normalize('NFC'));
    expect(toNfc('A\u0300')).toBe('À');
  });
  it('keeps case when folding and maps đ', () => {
    expect(foldDiacritics('Đỗ Đức')).toBe('Do Duc');
  });
  it('tells whether a text has diacritics', () => {
    expect(hasDiacritics('Nguyễn')).toBe(true);
    expect(hasDiacritics('Đo')).toBe(true);
    expect(hasDiacritics('Nguyen')).toBe(false);
  });
});

describe('cleanText and cleanPersonName', () => {
  it('normalises a name', () => {
    expect(cleanPersonName('  Trần  Thị Lan ')).toEqual({ ok: true, value: 'Trần Thị Lan' });
  });
  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['12345', 'must contain a letter'],
    ['An\u0000', 'contains control or invisible characters'],
    ['An\nBình', 'contains control or invisible characters'],
    ['An\u200BBình', 'contains control or invisible characters'],
    ['An \u202Eh', 'contains control or invisible characters'],
    ['An \uD800', 'contains control or invisible characters'],
    ['A'.repeat(201), 'is longer than 200 characters'],
  ])('refuses %j: %s', (input, reason) => {
    expect(cleanPersonName(input)).toEqual({ ok: false, reason: reason.startsWith('is longer') ? reason : expect.stringContaining(reason) });
  });
  it('counts characters after composition, as PostgreSQL does', () => {
    expect(cleanPersonName('Ấ'.repeat(200).normalize('NFD')).ok).toBe(true);
    expect(cleanPersonName('𝐀'.repeat(200)).ok).toBe(true); // astral letters: 400 code units, 200 characters
  });
  it('limits other text by its own maximum', () => {
    expect(cleanText('Số 1', 3)).toEqual({ ok: false, reason: 'is longer than 3 characters' });
    expect(cleanText('Số 1', 4)).toEqual({ ok: true, value: 'Số 1' });
  });
});

describe('maskName', () => {
  it.each([
    ['Nguyễn Văn An', 'Nguyễn V. A.'],
    ['Đặng Thị Ánh Tuyết', 'Đặng T. Á. T.'],
    ['An', 'A.'],
    ['Ánh', 'Á.'],
    ['  ', ''],
    ['Ánh'.normalize('NFD') + ' Đào', 'Ánh Đ.'],
  ])('%j -> %j', (input, expected) => {
    expect(maskName(input)).toBe(expected);
  });
});
