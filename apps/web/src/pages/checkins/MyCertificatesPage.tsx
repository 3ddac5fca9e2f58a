import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import * as c from '../../components/checkins/checkinsApi';
import { QrImage } from '../../components/checkins/QrImage';
import { PageLoader, useVaccineName } from '../../components/vaccination/common';
import { formatDate } from '../../lib/format';

export function MyCertificatesPage() {
  return (
    <RequireScope scope="self:read">
      <MyCertificates />
    </RequireScope>
  );
}

/** The citizen's certificates: the QR of each valid one to show at a checkpoint, and its PDF. */
function MyCertificates() {
  const { t } = useTranslation();
  const vaccineName = useVaccineName();
  const certs = useQuery({ queryKey: ['me', 'certificates'], queryFn: ({ signal }) => c.getMyCertificates(signal) });
  if (certs.isPending) return <PageLoader />;
  if (certs.isError) return <ProblemAlert error={certs.error} />;
  return (
    <Stack gap="md" maw={760}>
      <Title order={1} size="h3">
        {t('certificates.title')}
      </Title>
      {certs.data.items.length === 0 && <Text c="dimmed">{t('certificates.none')}</Text>}
      {certs.data.items.map((cert) => (
        <Card key={cert.id} withBorder data-testid="certificate">
          <Group align="flex-start" justify="space-between" wrap="wrap">
            <Stack gap={4}>
              <Group gap="xs">
                <Text fw={600}>{t(`certificates.kind.${cert.kind}`, { defaultValue: cert.kind })}</Text>
                <Badge color={cert.status === 'valid' ? 'green' : 'gray'}>{t(`certificates.status.${cert.status}`)}</Badge>
              </Group>
              {cert.product && (
                <Text size="sm">
                  {vaccineName(cert.product)}
                  {cert.doseNumber ? ` · ${t('certificates.dose', { n: cert.doseNumber, of: cert.seriesDoses ?? '?' })}` : ''}
                </Text>
              )}
              <Text size="sm">{t('certificates.eventOn', { date: formatDate(cert.eventOn) })}</Text>
              <Text size="sm">{t('certificates.validUntil', { date: formatDate(cert.expiresAt) })}</Text>
              <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                {cert.uvci}
              </Text>
              {cert.status === 'valid' && (
                <Anchor href={c.myCertificatePdfUrl(cert.id)} download size="sm">
                  {t('certificates.pdf')}
                </Anchor>
              )}
            </Stack>
            {cert.hcert && cert.status === 'valid' && <QrImage text={cert.hcert} size={220} alt={t('certificates.qrAlt')} />}
          </Group>
        </Card>
      ))}
    </Stack>
  );
}
