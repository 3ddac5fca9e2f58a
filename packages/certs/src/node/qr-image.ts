// NODE-ONLY: reads a QR code from a PNG (pngjs + jsQR). Exported from '@sen/certs/node'.
import { PNG } from 'pngjs';
import { AppError } from '@sen/domain';
import { decodeQrFromRgba } from '../qr';

/** Pixels above this are refused before decoding (a 4000 x 4000 photo is 64 MB of RGBA). */
export const MAX_QR_IMAGE_PIXELS = 16_000_000;

export function decodeQrPng(png: Uint8Array, opts: { inverted?: boolean } = {}): string {
  let img: PNG;
  try {
    // Check the header's size before inflating the pixels (a small file can claim a huge image).
    if (png.length >= 24 && Buffer.from(png.subarray(12, 16)).toString('latin1') === 'IHDR') {
      const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
      if (view.getUint32(16) * view.getUint32(20) > MAX_QR_IMAGE_PIXELS) throw new AppError('image_too_large', `Image larger than ${MAX_QR_IMAGE_PIXELS} pixels`);
    }
    img = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('image_invalid', `Not a readable PNG: ${(e as Error).message}`);
  }
  return decodeQrFromRgba(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength), img.width, img.height, opts);
}
