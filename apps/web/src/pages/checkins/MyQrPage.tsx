import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import * as c from '../../components/checkins/checkinsApi';
import { QrImage } from '../../components/checkins/QrImage';
import { PageLoader } from '../../components/vaccination/common';
import { isApiError } from '../../api';
import { formatDate, formatDateTime } from '../../lib/format';

const COLOUR = { green: '#2f9e44', black: '#212529' } as const;

export function MyQrPage() {
  return (
    <RequireScope scope="self:read">
      <MyQr />
    </RequireScope>
  );
}

/** The citizen's personal QR code in the colour the rules give it, the printable card, and a way to replace it. */
function MyQr() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  // Each fetch signs a fresh token (it expires a set time after it is made): refreshed hourly and whenever the page is seen again.
  const qr = useQuery({ queryKey: ['me', 'qr'], queryFn: ({ signal }) => c.getMyQr(signal), refetchInterval: 3_600_000, refetchOnWindowFocus: true });
  const colour = useQuery({ queryKey: ['me', 'qr-colour'], queryFn: ({ signal }) => c.getMyQrColour(signal), retry: false });
  const rotate = useMutation({ mutationFn: c.rotateMyQr, onSuccess: (data) => qc.setQueryData(['me', 'qr'], data) });

  if (qr.isPending) return <PageLoader />;
  if (qr.isError) {
    return isApiError(qr.error) && qr.error.code === 'not_linked' ? <Alert color="blue">{t('me.notLinked')}</Alert> : <ProblemAlert error={qr.error} />;
  }
  const col = colour.data?.colour ?? null;
  return (
    <Stack gap="md" maw={560}>
      <Title order={1} size="h3">
        {t('checkins.myQr.title')}
      </Title>
      <Card withBorder padding="lg">
        <Stack align="center" gap="sm">
          <QrImage text={qr.data.token} frame={col ? COLOUR[col] : undefined} alt={t('checkins.myQr.alt')} />
          {col && (
            <Badge size="lg" color={col === 'green' ? 'green' : 'dark'} data-testid="qr-colour">
              {t(`checkins.colour.${col}`)}
            </Badge>
          )}
          {colour.data?.description && (
            <Text size="sm" c="dimmed" ta="center">
              {i18n.language === 'en' ? colour.data.description.en : colour.data.description.vi}
            </Text>
          )}
          {colour.isError && <Text size="sm" c="dimmed">{t('checkins.myQr.noColour')}</Text>}
          <Text size="xs" c="dimmed">
            {t('checkins.myQr.version', { version: qr.data.version, date: formatDateTime(qr.data.issuedAt) })} · {t('checkins.qrValidUntil', { date: formatDate(qr.data.expiresAt) })}
          </Text>
        </Stack>
      </Card>
      <Text size="sm">{t('checkins.myQr.howTo')}</Text>
      <Group>
        <Anchor href={c.MY_QR_CARD_URL} download>
          {t('checkins.myQr.card')}
        </Anchor>
        <Button variant="subtle" color="red" loading={rotate.isPending} onClick={() => window.confirm(t('checkins.myQr.rotateConfirm')) && rotate.mutate()}>
          {t('checkins.myQr.rotate')}
        </Button>
      </Group>
      <ProblemAlert error={rotate.error} />
    </Stack>
  );
}
