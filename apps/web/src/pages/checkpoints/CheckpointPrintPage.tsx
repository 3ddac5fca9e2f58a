import { Alert, Button, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import * as c from '../../components/checkins/checkinsApi';
import { QrImage } from '../../components/checkins/QrImage';

/**
 * A checkpoint's poster, alone on the page for printing: its name, a large QR and how to use it, in Vietnamese and
 * English. The print button hides itself on paper.
 */
export function CheckpointPrintPage() {
  const { t } = useTranslation();
  const { id } = useParams({ strict: false }) as { id: string };
  const cp = useQuery({ queryKey: ['checkpoint', id], queryFn: ({ signal }) => c.getCheckpoint(id, signal) });
  if (cp.isPending) {
    return (
      <Center mih="100vh">
        <Loader />
      </Center>
    );
  }
  if (cp.isError) return <Alert color="red">{cp.error.message}</Alert>;
  return (
    <Stack align="center" gap="lg" p="xl" data-testid="checkpoint-poster">
      <style>{'@media print { .no-print { display: none !important; } @page { size: A4; margin: 16mm; } }'}</style>
      <Text size="lg" fw={600}>
        {t('checkpoints.poster.kicker')}
      </Text>
      <Title order={1} ta="center">
        {cp.data.name}
      </Title>
      <QrImage text={c.checkpointQrText(cp.data.qrToken)} size={420} alt={t('checkpoints.qrAlt', { name: cp.data.name })} />
      <Text size="lg" ta="center" maw={560}>
        {t('checkpoints.poster.howVi')}
      </Text>
      <Text size="md" c="dimmed" ta="center" maw={560}>
        {t('checkpoints.poster.howEn')}
      </Text>
      <Button className="no-print" onClick={() => window.print()}>
        {t('checkpoints.print')}
      </Button>
    </Stack>
  );
}
