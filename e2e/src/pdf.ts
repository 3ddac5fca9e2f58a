import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACTS } from './browser';

/**
 * The first page of a PDF as a PNG, drawn by Poppler's pdftoppm (Debian: poppler-utils), as a phone or tablet camera
 * would see the printed page. A copy goes to the artifacts.
 */
export function pdfToPng(pdf: Buffer, name: string, dpi = 110): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sen-e2e-pdf-'));
  const pdfPath = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(pdfPath, pdf);
  execFileSync('pdftoppm', ['-png', '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', pdfPath, path.join(dir, name)]);
  const png = path.join(dir, `${name}.png`);
  fs.copyFileSync(png, path.join(ARTIFACTS, `${name}.png`));
  return png;
}
