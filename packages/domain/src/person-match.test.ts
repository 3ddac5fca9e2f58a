import { describe, expect, it } from 'vitest';
import { DUPLICATE_THRESHOLD, MIN_CANDIDATE_SIMILARITY, scoreDuplicate, trigramSimilarity, type MatchablePerson } from './person-match';

const base: MatchablePerson = { fullName: 'Nguyễn Thị Hồng Nhung', birthDate: '1990-03-07', sex: 'female', communeCode: '00004' };
const score = (b: Partial<MatchablePerson>, a: Partial<MatchablePerson> = {}) => scoreDuplicate({ ...base, ...a }, { ...base, ...b });

describe('trigramSimilarity', () => {
  it('behaves like pg_trgm similarity()', () => {
    expect(trigramSimilarity('nguyen van an', 'nguyen van an')).toBe(1);
    expect(trigramSimilarity('word', 'word')).toBe(1);
    // pg_trgm: similarity('word', 'two words') = 0.36363637
    expect(trigramSimilarity('word', 'two words')).toBeCloseTo(0.363636, 5);
    expect(trigramSimilarity('abc', 'xyz')).toBe(0);
    expect(trigramSimilarity('', '')).toBe(1);
    // word order does not matter to trigrams
    expect(trigramSimilarity('nguyen van an', 'van an nguyen')).toBe(1);
  });
});

describe('scoreDuplicate', () => {
  it('a copy typed without diacritics is a duplicate', () => {
    const s = score({ fullName: 'Nguyen Thi Hong Nhung' });
    expect(s.score).toBe(1);
    expect(s.reasons).toEqual(['same name without diacritics', 'same birth date', 'same commune']);
  });

  it('day and month transposed counts almost like the same date', () => {
    const s = score({ fullName: 'Nguyen Thi Hong Nhung', birthDate: '1990-07-03', communeCode: '00008' });
    expect(s.reasons).toContain('birth day and month transposed');
    expect(s.score).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
  });

  it('the same national ID is certain', () => {
    expect(score({ fullName: 'Lê Văn Khác', birthDate: null, nationalIds: [{ kind: 'cccd', value: '1' }] }, { nationalIds: [{ kind: 'cccd', value: '1' }] })).toEqual({ score: 1, reasons: ['same national ID'] });
  });

  it('different CCCD or BHXH numbers are two people; different passports prove nothing', () => {
    const cccd = score({ nationalIds: [{ kind: 'cccd', value: '2' }] }, { nationalIds: [{ kind: 'cccd', value: '1' }] });
    expect(cccd.score).toBeLessThan(DUPLICATE_THRESHOLD);
    expect(cccd.reasons).toContain('different national ID');
    expect(score({ nationalIds: [{ kind: 'bhxh', value: '2' }] }, { nationalIds: [{ kind: 'bhxh', value: '1' }] }).score).toBeLessThan(DUPLICATE_THRESHOLD);
    expect(score({ nationalIds: [{ kind: 'passport', value: 'B2' }] }, { nationalIds: [{ kind: 'passport', value: 'B1' }] }).score).toBe(1);
    expect(score({ nationalIds: [{ kind: 'cmnd', value: '2' }] }, { nationalIds: [{ kind: 'cccd', value: '1' }] }).score).toBe(1);
  });

  it('different sex weighs heavily against', () => {
    const s = score({ sex: 'male' });
    expect(s.reasons).toContain('different sex');
    expect(s.score).toBeLessThan(DUPLICATE_THRESHOLD);
    expect(score({ sex: 'unknown' }).reasons).not.toContain('different sex');
  });

  it('birth years far apart are another generation', () => {
    expect(score({ birthDate: '1960-03-07' }).score).toBeLessThan(DUPLICATE_THRESHOLD);
    expect(score({ birthDate: '1991-03-07' }).reasons).toContain('birth years one apart');
  });

  it('partial dates are weak evidence: the same common name and year in another commune is not enough', () => {
    const yearOnly = scoreDuplicate(
      { fullName: 'Nguyễn Văn Hùng', birthDate: '1980', sex: 'male', communeCode: '00004' },
      { fullName: 'Nguyen Van Hung', birthDate: '1980', sex: 'male', communeCode: '25747' },
    );
    expect(yearOnly.reasons).toContain('same birth year');
    expect(yearOnly.score).toBeLessThan(DUPLICATE_THRESHOLD);
    expect(score({ birthDate: '1990' }, {}).score).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD); // same commune
    // a year alone agrees with any date of that year: weaker than the same month with another day
    expect(score({ birthDate: '1990', communeCode: '1' }).score).toBeLessThan(score({ birthDate: '1990-03-09', communeCode: '1' }).score);
    expect(score({ birthDate: '1990', communeCode: '1' }).score).toBeLessThan(DUPLICATE_THRESHOLD);
  });

  it('missing data neither helps nor hurts', () => {
    const s = scoreDuplicate({ fullName: 'An', birthDate: null, sex: null, communeCode: null }, { fullName: 'An', birthDate: null, sex: null, communeCode: null });
    expect(s).toEqual({ score: 0.5, reasons: ['same name without diacritics'] });
    expect(score({ birthDate: 'garbage' }).reasons).not.toContain('same birth date');
  });

  it('clearly different people score low', () => {
    expect(score({ fullName: 'Trần Văn Bình', birthDate: '1985-11-20', sex: 'male', communeCode: '25747' }).score).toBe(0);
    expect(score({ fullName: 'Phạm Thị Lan', birthDate: '1990-03-07' }).score).toBeLessThan(DUPLICATE_THRESHOLD);
  });

  it('stays within 0..1 and rounds to three decimals', () => {
    const s = score({ fullName: 'Nguyen Thi Hong Nhunh' });
    expect(s.score).toBeGreaterThan(0);
    expect(s.score).toBeLessThanOrEqual(1);
    expect(Math.round(s.score * 1000) / 1000).toBe(s.score);
  });

  it('MIN_CANDIDATE_SIMILARITY is low enough: nothing below it reaches the threshold', () => {
    // The best a different name can do: the same full date, the same sex, the same commune.
    const best = (similarity: number) => 0.45 * similarity + 0.25 + 0.1 + 0.15;
    expect(best(MIN_CANDIDATE_SIMILARITY - 0.001)).toBeLessThan(DUPLICATE_THRESHOLD);
    const s = scoreDuplicate({ fullName: 'le minh tuan', birthDate: '1975-11-02', sex: 'male', communeCode: '1' }, { fullName: 'le minh tuat', birthDate: '1975-11-02', sex: 'male', communeCode: '1' });
    expect(trigramSimilarity('le minh tuan', 'le minh tuat')).toBeGreaterThan(MIN_CANDIDATE_SIMILARITY);
    expect(s.score).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
  });
});
