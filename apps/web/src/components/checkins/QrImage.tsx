import { toDataURL } from 'qrcode';
import { useEffect, useState } from 'react';

/** A QR code drawn in the browser (no request leaves the page with the token), framed in the person's colour. */
export function QrImage({ text, size = 240, frame, alt }: { text: string; size?: number; frame?: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: size })
      .then((url) => live && setSrc(url))
      .catch(() => live && setSrc(null));
    return () => {
      live = false;
    };
  }, [text, size]);
  return (
    <div style={{ display: 'inline-block', padding: 10, borderRadius: 12, background: frame ?? '#fff', border: '1px solid var(--mantine-color-gray-3)' }}>
      {src ? <img src={src} width={size} height={size} alt={alt} style={{ display: 'block', background: '#fff' }} /> : <div style={{ width: size, height: size }} />}
    </div>
  );
}
