import { Badge, Button, Card, Center, Group, Loader, Modal, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { DuplicateCandidate, PersonSummary } from '../api';
import { Identifiers } from '../components/Identifiers';
import { RequireScope } from '../components/NoAccess';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatBirthDate, formatNumber } from '../lib/format';
import { useLabels } from '../lib/labels';
import { AnchorLink } from '../components/links';

const PAGE_SIZE = 20;

export function DuplicatesPage() {
  return (
    <RequireScope scope="people:merge">
      <Duplicates />
    </RequireScope>
  );
}

function Duplicates() {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const list = useQuery({
    queryKey: ['duplicates', 'pending', offset],
    queryFn: ({ signal }) => api.listDuplicates({ status: 'pending', limit: PAGE_SIZE, offset }, signal),
    placeholderData: keepPreviousData,
  });
  const items = list.data?.items ?? [];

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h3">
          {t('duplicates.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('duplicates.intro')}
        </Text>
      </div>
      {list.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : list.isError ? (
        <ProblemAlert error={list.error} />
      ) : items.length === 0 ? (
        <Card withBorder padding="lg">
          <Text c="dimmed">{offset === 0 ? t('duplicates.empty') : t('duplicates.noMore')}</Text>
        </Card>
      ) : (
        items.map((c) => <CandidateCard key={c.id} candidate={c} />)
      )}
      {(offset > 0 || items.length === PAGE_SIZE) && (
        <Group justify="flex-end" gap="xs">
          <Button size="xs" variant="default" disabled={offset === 0} onClick={() => setOffset((o) => Math.max(0, o - PAGE_SIZE))}>
            ← {t('common.previous')}
          </Button>
          <Button size="xs" variant="default" disabled={items.length < PAGE_SIZE} onClick={() => setOffset((o) => o + PAGE_SIZE)}>
            {t('common.next')} →
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function scoreColor(score: number) {
  return score >= 0.95 ? 'red' : score >= 0.85 ? 'orange' : 'yellow';
}

function CandidateCard({ candidate }: { candidate: DuplicateCandidate }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const queryClient = useQueryClient();
  const [survivor, setSurvivor] = useState<PersonSummary | null>(null);
  const { personA: a, personB: b } = candidate;

  const done = () => {
    void queryClient.invalidateQueries({ queryKey: ['duplicates'] });
    void queryClient.invalidateQueries({ queryKey: ['people'] });
    void queryClient.invalidateQueries({ queryKey: ['person'] });
  };
  const merge = useMutation({
    mutationFn: (survivorId: string) => api.mergeDuplicate(candidate.id, survivorId),
    onSuccess: () => {
      setSurvivor(null);
      done();
    },
  });
  const dismiss = useMutation({ mutationFn: () => api.dismissDuplicate(candidate.id), onSuccess: done });
  const busy = merge.isPending || dismiss.isPending;

  const ids = (p: PersonSummary) => p.identifiers.map((i) => `${i.kind}:${i.value}`).sort().join('|');
  const rows: { label: string; a: ReactNode; b: ReactNode; same: boolean }[] = [
    { label: t('person.fullName'), a: a.fullName, b: b.fullName, same: a.fullName === b.fullName },
    { label: t('person.birthDate'), a: formatBirthDate(a.birthDate), b: formatBirthDate(b.birthDate), same: a.birthDate === b.birthDate },
    { label: t('person.sex'), a: labels.sex(a.sex), b: labels.sex(b.sex), same: a.sex === b.sex },
    { label: t('person.phone'), a: a.phone ?? '—', b: b.phone ?? '—', same: a.phone === b.phone },
    { label: t('person.communeProvince'), a: a.areaLabel ?? '—', b: b.areaLabel ?? '—', same: a.communeCode === b.communeCode },
    { label: t('person.identifiers'), a: <Identifiers items={a.identifiers} />, b: <Identifiers items={b.identifiers} />, same: ids(a) === ids(b) },
  ];

  const personHeader = (p: PersonSummary, tag: string) => (
    <Group gap={6} wrap="nowrap">
      <Badge size="sm" variant="filled" color="gray" radius="sm">
        {tag}
      </Badge>
      <AnchorLink to="/people/$id" params={{ id: p.id }} size="sm" fw={600} target="_blank">
        {t('duplicates.openRecord')}
      </AnchorLink>
    </Group>
  );

  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Group gap="xs">
          <Tooltip label={t('duplicates.scoreHelp')}>
            <Badge size="lg" color={scoreColor(candidate.score)} variant="light" radius="sm">
              {t('duplicates.score')}: {formatNumber(Math.round(candidate.score * 100))}%
            </Badge>
          </Tooltip>
          {candidate.reasons.map((r) => (
            <Badge key={r} variant="outline" color="gray" tt="none" radius="sm" fw={500}>
              {labels.reason(r)}
            </Badge>
          ))}
        </Group>
      </Group>
      <Table.ScrollContainer minWidth={600}>
        <Table fz="sm" verticalSpacing={4} withColumnBorders withTableBorder layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={150} />
              <Table.Th>{personHeader(a, 'A')}</Table.Th>
              <Table.Th>{personHeader(b, 'B')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.label}>
                <Table.Td c="dimmed">{r.label}</Table.Td>
                <Table.Td className={r.same ? undefined : 'sen-diff'}>{r.a}</Table.Td>
                <Table.Td className={r.same ? undefined : 'sen-diff'}>{r.b}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {(merge.error || dismiss.error) && (
        <div style={{ marginTop: 8 }}>
          <ProblemAlert error={merge.error ?? dismiss.error} />
        </div>
      )}
      <Group justify="flex-end" mt="sm" gap="xs" wrap="wrap">
        <Button variant="default" onClick={() => dismiss.mutate()} loading={dismiss.isPending} disabled={busy}>
          {t('duplicates.dismiss')}
        </Button>
        <Button variant="light" onClick={() => setSurvivor(a)} disabled={busy}>
          {t('duplicates.keepA')}
        </Button>
        <Button variant="light" onClick={() => setSurvivor(b)} disabled={busy}>
          {t('duplicates.keepB')}
        </Button>
      </Group>

      <Modal opened={!!survivor} onClose={() => setSurvivor(null)} title={t('duplicates.confirmTitle')} centered>
        {survivor && (
          <Stack gap="sm">
            <Text size="sm">
              {t('duplicates.confirmText', {
                survivor: survivor.fullName,
                merged: (survivor.id === a.id ? b : a).fullName,
              })}
            </Text>
            <Text size="sm" c="dimmed">
              {t('duplicates.confirmNote')}
            </Text>
            {merge.error && <ProblemAlert error={merge.error} />}
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={() => setSurvivor(null)} disabled={merge.isPending}>
                {t('common.cancel')}
              </Button>
              <Button onClick={() => merge.mutate(survivor.id)} loading={merge.isPending}>
                {t('duplicates.merge')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  );
}
