// QR decoding from RGBA pixels (jsQR): browser-safe; the node entry adds PNG files.
import jsQR from 'jsqr';
import { AppError } from '@sen/domain';

/** `inverted: false` skips the light-on-dark pass (twice as fast on printed codes). */
export function decodeQrFromRgba(data: Uint8ClampedArray, width: number, height: number, opts: { inverted?: boolean } = {}): string {
  if (width * height * 4 !== data.length) throw new AppError('image_invalid', 'Pixel data does not match the image size');
  const code = jsQR(data, width, height, { inversionAttempts: opts.inverted === false ? 'dontInvert' : 'attemptBoth' });
  if (!code) throw new AppError('qr_not_found', 'No QR code found in the image');
  return code.data;
}
