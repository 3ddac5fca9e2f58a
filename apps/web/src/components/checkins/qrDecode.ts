import jsQR from 'jsqr';
// The ZXing wasm is bundled as one of our own assets: the CSP allows no remote script or wasm.
import zxingWasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

/**
 * QR reading in the browser: the `barcode-detector` ponyfill (ZXing in WebAssembly, loaded on first use from our own
 * origin), with jsQR as the fallback when the wasm cannot start (an old browser, a blocked instantiate).
 */
type Detector = { detect(source: ImageBitmapSource): Promise<{ rawValue: string }[]> };
let detectorPromise: Promise<Detector | null> | null = null;

export function qrDetector(): Promise<Detector | null> {
  detectorPromise ??= (async () => {
    try {
      const { BarcodeDetector, prepareZXingModule } = await import('barcode-detector/ponyfill');
      await prepareZXingModule({
        overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(zxingWasmUrl, location.href).href : prefix + path) },
        fireImmediately: true,
      });
      return new BarcodeDetector({ formats: ['qr_code'] }) as Detector;
    } catch {
      return null;
    }
  })();
  return detectorPromise;
}

/** jsQR over the pixels of a canvas (both dark-on-light and light-on-dark). */
export function decodeWithJsQr(image: ImageData): string | null {
  return jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
}

/** Pixels of a picture, scaled down to at most `max` on its long side (a phone photo is 12 MP; a QR needs far less). */
export function pixelsOf(source: CanvasImageSource & { width: number; height: number }, max = 1600): ImageData {
  const scale = Math.min(1, max / Math.max(source.width, source.height));
  const w = Math.max(1, Math.round(source.width * scale));
  const h = Math.max(1, Math.round(source.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d canvas');
  ctx.drawImage(source, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}

/** The text of the first QR code in the pixels, or null. */
export async function decodeQrPixels(image: ImageData): Promise<string | null> {
  const detector = await qrDetector();
  if (detector) {
    try {
      const found = await detector.detect(image);
      if (found[0]?.rawValue) return found[0].rawValue;
    } catch {
      // fall through to jsQR
    }
  }
  return decodeWithJsQr(image);
}

/** The text of the QR code in an uploaded picture, or null. */
export async function decodeQrFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    return await decodeQrPixels(pixelsOf(bitmap));
  } finally {
    bitmap.close();
  }
}
