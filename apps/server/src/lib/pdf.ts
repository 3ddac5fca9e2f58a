import path from 'node:path';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { REPO_ROOT } from '../config.js';

/**
 * PDF helpers shared by every module that prints (QR cards, venue posters, certificates).
 *
 * pdfkit's built-in fonts are WinAnsi only and cannot draw Vietnamese (ư, ơ, đ, stacked tone marks), so every
 * document uses DejaVu Sans shipped in data/fonts (Bitstream Vera licence, redistribution allowed; see
 * data/fonts/DejaVu-LICENSE.txt). The font is embedded and subset by pdfkit.
 */

export const FONT_DIR = path.join(REPO_ROOT, 'data', 'fonts');
export const FONT_REGULAR = 'Sen-Regular';
export const FONT_BOLD = 'Sen-Bold';

export type PdfDoc = PDFKit.PDFDocument;

export interface PdfOptions {
  /** Page size name understood by pdfkit ('A4', 'A5', 'A6') or [width, height] in points. */
  size?: string | [number, number];
  margin?: number;
  layout?: 'portrait' | 'landscape';
  title?: string;
  /** Fixed creation date: makes the output byte-stable for tests and caching. */
  creationDate?: Date;
}

/** A new document with the Vietnamese-capable fonts registered and selected. */
export function createPdf(options: PdfOptions = {}): PdfDoc {
  const doc = new PDFDocument({
    size: options.size ?? 'A4',
    margin: options.margin ?? 48,
    layout: options.layout ?? 'portrait',
    info: {
      Title: options.title ?? 'Sen',
      Producer: 'Sen',
      Creator: 'Sen',
      CreationDate: options.creationDate ?? new Date(),
    },
    autoFirstPage: true,
    compress: true,
  });
  doc.registerFont(FONT_REGULAR, path.join(FONT_DIR, 'DejaVuSans.ttf'));
  doc.registerFont(FONT_BOLD, path.join(FONT_DIR, 'DejaVuSans-Bold.ttf'));
  doc.font(FONT_REGULAR);
  return doc;
}

/** Ends the document and resolves with the whole file. */
export function pdfToBuffer(doc: PdfDoc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** Builds a document with `draw` and returns its bytes. */
export async function renderPdf(options: PdfOptions, draw: (doc: PdfDoc) => void | Promise<void>): Promise<Buffer> {
  const doc = createPdf(options);
  try {
    await draw(doc);
  } catch (err) {
    doc.end();
    throw err;
  }
  return pdfToBuffer(doc);
}

export interface QrPlacement {
  x: number;
  y: number;
  /** Width and height of the whole symbol including its quiet zone, in points. */
  size: number;
  /** Error correction level; 'M' (15%) suits printed cards and posters. */
  errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
  /** Quiet-zone width in modules (the standard asks for 4). */
  margin?: number;
}

/**
 * Draws `text` as a QR code with vector squares (sharp at any print size, no image decoding) and returns the
 * module count so callers can check the symbol stays scannable at the size they print.
 */
export function drawQr(doc: PdfDoc, text: string, placement: QrPlacement): { modules: number } {
  const qr = QRCode.create(text, { errorCorrectionLevel: placement.errorCorrectionLevel ?? 'M' });
  const count = qr.modules.size;
  const margin = placement.margin ?? 4;
  const cell = placement.size / (count + 2 * margin);
  const { x, y } = placement;
  doc.save();
  doc.rect(x, y, placement.size, placement.size).fill('#ffffff');
  doc.fillColor('#000000');
  for (let row = 0; row < count; row++) {
    // Merge runs of dark modules in a row into one rectangle: smaller files, no hairline gaps between cells.
    let col = 0;
    while (col < count) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < count && qr.modules.get(row, col)) col++;
      doc.rect(x + (margin + start) * cell, y + (margin + row) * cell, (col - start) * cell, cell);
    }
  }
  doc.fill('#000000');
  doc.restore();
  return { modules: count };
}

/** The QR code as a PNG (for the web app or an <img>), same settings as drawQr. */
export function qrPng(text: string, options: { width?: number; errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' } = {}): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: options.errorCorrectionLevel ?? 'M', margin: 4, width: options.width ?? 512 });
}

/** Content-Disposition value for a download with a Vietnamese file name (RFC 6266 / 5987). */
export function pdfDisposition(fileName: string): string {
  const ascii = fileName.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^A-Za-z0-9._-]+/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
