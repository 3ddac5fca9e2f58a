import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from './csv';

describe('CSV cells and rows', () => {
  it('quotes a cell only when it must, doubling its quotes', () => {
    expect(csvRow(['Nguyễn Văn A', 12, null, '2021-08-01'])).toBe('Nguyễn Văn A,12,,2021-08-01\r\n');
    expect(csvRow(['Hà Nội, Ba Đình', 'say "hi"', 'a;b', 'two\nlines', 'cr\r'])).toBe('"Hà Nội, Ba Đình","say ""hi""","a;b","two\nlines","cr\r"\r\n');
  });

  it('quotes every cell when asked, an empty one as ""', () => {
    expect(csvRow([4, 'Ngày sinh', null, 'He said "no"'], 'always')).toBe('"4","Ngày sinh","","He said ""no"""\r\n');
  });

  it('never writes a text a spreadsheet would run as a formula; numbers stay numbers', () => {
    for (const text of ['=1+1', '+84912345678', '-2', '@SUM(A1)', '\tx']) expect(csvCell(text), text).toBe(`'${text}`);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('=1', 'always')).toBe('"\'=1"');
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell('a=b')).toBe('a=b');
  });
});
