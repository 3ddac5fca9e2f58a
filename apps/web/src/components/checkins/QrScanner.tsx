import { Alert, Button, FileButton, Group, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState, type ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';
import { decodeQrFile, decodeQrPixels, pixelsOf } from './qrDecode';

/**
 * Reads a QR code from the camera (rear camera, about four frames a second) or from an uploaded picture, and hands
 * its text to onResult once. The camera stops as soon as a code is read or the component goes away.
 */
export function QrScanner({ onResult, busy = false, testId = 'qr-upload' }: { onResult: (text: string) => void; busy?: boolean; testId?: string }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [streaming, setStreaming] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const onResultRef = useRef(onResult);
  useEffect(() => {
    onResultRef.current = onResult;
  }, [onResult]);

  useEffect(() => {
    if (!streaming || !video.current) return;
    const el = video.current;
    el.srcObject = streaming;
    void el.play().catch(() => undefined);
    let stopped = false;
    let timer: number | undefined;
    const tick = async () => {
      if (stopped) return;
      if (el.readyState >= 2 && el.videoWidth > 0) {
        const frame = Object.assign(el, { width: el.videoWidth, height: el.videoHeight });
        const text = await decodeQrPixels(pixelsOf(frame, 960)).catch(() => null);
        if (text && !stopped) {
          stopped = true;
          streaming.getTracks().forEach((tr) => tr.stop());
          setStreaming(null);
          onResultRef.current(text);
          return;
        }
      }
      timer = window.setTimeout(() => void tick(), 250);
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      streaming.getTracks().forEach((tr) => tr.stop());
    };
  }, [streaming]);

  async function startCamera() {
    setProblem(null);
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error('no camera');
      setStreaming(await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }));
    } catch {
      setProblem(t('checkins.scan.noCamera'));
    }
  }

  async function readFile(file: File | null) {
    if (!file) return;
    setProblem(null);
    setReading(true);
    try {
      const text = await decodeQrFile(file);
      if (text) onResultRef.current(text);
      else setProblem(t('checkins.scan.notFound'));
    } catch {
      setProblem(t('checkins.scan.badImage'));
    } finally {
      setReading(false);
    }
  }

  return (
    <Stack gap="xs">
      <Group gap="sm">
        {streaming ? (
          <Button variant="default" onClick={() => setStreaming(null)}>
            {t('checkins.scan.stopCamera')}
          </Button>
        ) : (
          <Button onClick={() => void startCamera()} disabled={busy}>
            {t('checkins.scan.camera')}
          </Button>
        )}
        <FileButton onChange={(f) => void readFile(f)} accept="image/*" inputProps={{ 'data-testid': testId } as ComponentProps<'input'>}>
          {(props) => (
            <Button variant="light" loading={reading} disabled={busy} {...props}>
              {t('checkins.scan.upload')}
            </Button>
          )}
        </FileButton>
      </Group>
      {streaming && (
        <video ref={video} muted playsInline style={{ width: '100%', maxWidth: 420, borderRadius: 8, background: '#000' }} aria-label={t('checkins.scan.cameraView')} />
      )}
      {!streaming && <Text size="xs" c="dimmed">{t('checkins.scan.hint')}</Text>}
      {problem && (
        <Alert color="yellow" role="alert">
          {problem}
        </Alert>
      )}
    </Stack>
  );
}
