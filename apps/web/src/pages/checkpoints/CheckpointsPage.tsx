import { Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AreaPicker } from '../../components/AreaPicker';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import * as c from '../../components/checkins/checkinsApi';
import { QrImage } from '../../components/checkins/QrImage';
import { PageLoader } from '../../components/vaccination/common';
import { formatDateTime } from '../../lib/format';

export function CheckpointsPage() {
  return (
    <RequireScope scope="checkpoint:verify">
      <Checkpoints />
    </RequireScope>
  );
}

/**
 * Checkpoints of my jurisdiction: create one in a commune, show its QR (citizens scan it to pass with their own
 * certificate) and print it as a poster.
 */
function Checkpoints() {
  const { t } = useTranslation();
  const list = useQuery({ queryKey: ['checkpoints'], queryFn: ({ signal }) => c.listCheckpoints(signal) });
  const [shown, setShown] = useState<string | null>(null);
  return (
    <Stack gap="md" maw={1000}>
      <Title order={1} size="h3">
        {t('checkpoints.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('checkpoints.intro')}
      </Text>
      <NewCheckpoint onCreated={setShown} />
      {list.isPending ? (
        <PageLoader />
      ) : list.isError ? (
        <ProblemAlert error={list.error} />
      ) : list.data.items.length === 0 ? (
        <Text c="dimmed">{t('checkpoints.empty')}</Text>
      ) : (
        <Table striped data-testid="checkpoint-list">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('checkpoints.name')}</Table.Th>
              <Table.Th>{t('checkpoints.commune')}</Table.Th>
              <Table.Th>{t('checkpoints.created')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((cp) => (
              <Table.Tr key={cp.id}>
                <Table.Td>
                  {cp.name} {!cp.active && <Badge color="gray">{t('checkpoints.inactive')}</Badge>}
                </Table.Td>
                <Table.Td>{cp.communeCode}</Table.Td>
                <Table.Td>{formatDateTime(cp.createdAt)}</Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end">
                    <Button size="compact-sm" variant="light" onClick={() => setShown(shown === cp.id ? null : cp.id)}>
                      {t(shown === cp.id ? 'checkpoints.hideQr' : 'checkpoints.showQr')}
                    </Button>
                    <Button size="compact-sm" variant="default" component="a" href={`/checkpoints/${encodeURIComponent(cp.id)}/print`} target="_blank" rel="noopener">
                      {t('checkpoints.print')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {shown && list.data?.items.find((x) => x.id === shown) && <CheckpointQr checkpoint={list.data.items.find((x) => x.id === shown)!} />}
    </Stack>
  );
}

function CheckpointQr({ checkpoint }: { checkpoint: c.Checkpoint }) {
  const { t } = useTranslation();
  return (
    <Card withBorder data-testid="checkpoint-qr" data-qr-text={c.checkpointQrText(checkpoint.qrToken)}>
      <Stack align="center" gap="xs">
        <Title order={2} size="h4">
          {checkpoint.name}
        </Title>
        <QrImage text={c.checkpointQrText(checkpoint.qrToken)} size={280} alt={t('checkpoints.qrAlt', { name: checkpoint.name })} />
        <Text size="sm" ta="center">
          {t('checkpoints.qrHint')}
        </Text>
      </Stack>
    </Card>
  );
}

function NewCheckpoint({ onCreated }: { onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [commune, setCommune] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: c.createCheckpoint,
    onSuccess: async (cp) => {
      setName('');
      await qc.invalidateQueries({ queryKey: ['checkpoints'] });
      onCreated(cp.id);
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ name: name.trim(), areaCode: commune ?? '' });
  }
  return (
    <Card withBorder component="form" onSubmit={submit} aria-label={t('checkpoints.create')}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('checkpoints.create')}
        </Title>
        <Group grow align="flex-start">
          <TextInput name="name" label={t('checkpoints.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} />
          <AreaPicker name="communeCode" kind="commune" label={t('checkpoints.commune')} value={commune} onChange={(code) => setCommune(code)} required />
        </Group>
        <ProblemAlert error={create.error} />
        <Group>
          <Button type="submit" loading={create.isPending}>
            {t('checkpoints.createButton')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
