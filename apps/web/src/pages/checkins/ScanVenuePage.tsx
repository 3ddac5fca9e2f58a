import { Alert, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import * as c from '../../components/checkins/checkinsApi';
import { QrScanner } from '../../components/checkins/QrScanner';
import { formatDateTime } from '../../lib/format';

export function ScanVenuePage() {
  return (
    <RequireScope scope="self:read">
      <ScanVenue />
    </RequireScope>
  );
}

/**
 * A citizen scans a venue's poster and is checked in at once (the server checks the signed token); the client id
 * is made when the code is read, so pressing again or a retry never records a second visit.
 */
function ScanVenue() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const mine = useQuery({ queryKey: ['me', 'checkins'], queryFn: ({ signal }) => c.getMyCheckins(signal) });
  const history = mine.data?.items ?? [];
  const retentionDays = mine.data?.retentionDays ?? 28;
  const [done, setDone] = useState<c.SelfCheckinResult | null>(null);
  const checkin = useMutation({
    mutationFn: (token: string) => c.selfCheckin({ venueToken: token.trim(), clientId: c.newClientId(), checkedInAt: new Date().toISOString() }),
    onSuccess: (res) => {
      setDone(res);
      void queryClient.invalidateQueries({ queryKey: ['me', 'checkins'] });
    },
  });
  const leave = useMutation({
    mutationFn: (checkinId: string) => c.checkOutMe(checkinId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['me', 'checkins'] }),
  });
  // A visit lasts at most 24 hours: older open ones ended at the venue's default length.
  const canLeave = (h: c.MyCheckin) => h.checkedOutAt === null && Date.now() - Date.parse(h.checkedInAt) < 24 * 3_600_000;

  return (
    <Stack gap="md" maw={760}>
      <Title order={1} size="h3">
        {t('checkins.scan.title')}
      </Title>
      {done ? (
        <Alert color="green" title={t('checkins.scan.doneTitle')} data-testid="checkin-done">
          <Stack gap={4}>
            <Text>{t(done.duplicate ? 'checkins.scan.already' : 'checkins.scan.done', { venue: done.venueName })}</Text>
            <Group>
              {done.id && history.some((h) => h.id === done.id && canLeave(h)) && (
                <Button size="xs" loading={leave.isPending} onClick={() => leave.mutate(done.id!)}>
                  {t('checkins.mine.leave')}
                </Button>
              )}
              <Button size="xs" variant="light" onClick={() => setDone(null)}>
                {t('checkins.scan.again')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      ) : (
        <Card withBorder>
          <Stack gap="sm">
            <Text size="sm">{t('checkins.scan.intro')}</Text>
            <QrScanner onResult={(text) => checkin.mutate(text)} busy={checkin.isPending} />
          </Stack>
        </Card>
      )}
      <ProblemAlert error={checkin.error ?? leave.error} />
      <Title order={2} size="h4">
        {t('checkins.mine.title')}
      </Title>
      {history.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('checkins.mine.empty', { days: retentionDays })}
        </Text>
      ) : (
        <Table striped data-testid="my-checkins">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('checkins.mine.when')}</Table.Th>
              <Table.Th>{t('checkins.mine.venue')}</Table.Th>
              <Table.Th>{t('checkins.mine.out')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {history.map((h) => (
              <Table.Tr key={h.id}>
                <Table.Td>{formatDateTime(h.checkedInAt)}</Table.Td>
                <Table.Td>{h.venueName}</Table.Td>
                <Table.Td>
                  {h.checkedOutAt ? (
                    formatDateTime(h.checkedOutAt)
                  ) : canLeave(h) ? (
                    <Button size="compact-xs" variant="light" loading={leave.isPending && leave.variables === h.id} onClick={() => leave.mutate(h.id)} aria-label={`${t('checkins.mine.leave')}: ${h.venueName}`}>
                      {t('checkins.mine.leave')}
                    </Button>
                  ) : (
                    '—'
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ProblemAlert error={mine.error} />
      <Text size="xs" c="dimmed">
        {t('checkins.mine.retention', { days: retentionDays })}
      </Text>
    </Stack>
  );
}
