import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { drawQr, FONT_BOLD, pdfDisposition, qrPng, renderPdf } from './pdf.js';

/** Inflates every Flate stream of a pdfkit file so the test can look at fonts and ToUnicode maps. */
function inflatedStreams(pdf: Buffer): string[] {
  const out: string[] = [];
  const text = pdf.toString('latin1');
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    try {
      out.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      // not a Flate stream (or the font program itself with trailing newline): skip
    }
  }
  return out;
}

describe('pdf', () => {
  it('produces a PDF with the Vietnamese font embedded and Vietnamese characters mapped', async () => {
    const pdf = await renderPdf({ title: 'Thẻ QR', creationDate: new Date('2026-01-01T00:00:00Z') }, (doc) => {
      doc.fontSize(18).text('Nguyễn Thị Hương — Đà Nẵng, Thừa Thiên Huế');
      doc.font(FONT_BOLD).text('Quét mã QR khi đến địa điểm');
    });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toContain('%%EOF');
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/DejaVuSans/);
    expect(raw).toMatch(/DejaVuSans-Bold/);
    const cmaps = inflatedStreams(pdf).filter((s) => s.includes('beginbfrange') || s.includes('beginbfchar')).join('\n').toLowerCase();
    // ễ U+1EC5, ư U+01B0, Đ U+0110, ẵ U+1EB5, ế U+1EBF, đ U+0111 must all be real glyphs of the embedded font
    for (const code of ['1ec5', '01b0', '0110', '1eb5', '1ebf', '0111']) expect(cmaps).toContain(`<${code}>`);
  });

  it('draws a QR symbol whose dark modules match the encoder', async () => {
    const text = 'SEN1.test-token';
    const matrix = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
    let modules = 0;
    const pdf = await renderPdf({ size: 'A6' }, (doc) => {
      modules = drawQr(doc, text, { x: 20, y: 20, size: 200 }).modules;
    });
    expect(modules).toBe(matrix.size);
    // The page content holds one rectangle per run of dark modules in each row.
    let runs = 0;
    for (let r = 0; r < matrix.size; r++) {
      for (let c = 0; c < matrix.size; c++) if (matrix.get(r, c) && (c === 0 || !matrix.get(r, c - 1))) runs++;
    }
    const content = inflatedStreams(pdf).find((s) => s.includes(' re'))!;
    const rects = content.match(/ re\b/g)!.length;
    expect(rects).toBe(runs + 1); // plus the white background
  });

  it('renders a PNG and a safe download name', async () => {
    const png = await qrPng('hello', { width: 128 });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(pdfDisposition('Thẻ Đà Nẵng.pdf')).toBe(`attachment; filename="The_Da_Nang.pdf"; filename*=UTF-8''Th%E1%BA%BB%20%C4%90%C3%A0%20N%E1%BA%B5ng.pdf`);
  });
});
