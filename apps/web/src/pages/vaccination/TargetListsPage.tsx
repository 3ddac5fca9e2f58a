import { Anchor, Badge, Button, Card, FileInput, Group, List, Modal, Progress, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { TARGET_COLUMNS } from '@sen/domain';
import { useEffect, useRef, useState, type ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';
import { AreaPicker } from '../../components/AreaPicker';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { AreaName, PageLoader, Pager } from '../../components/vaccination/common';
import { PagedTable } from '../../components/vaccination/PagedTable';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatBirthDate, formatDate, formatDateTime, formatNumber } from '../../lib/format';
import { hasScope, useUser } from '../../lib/user';

const route = getRouteApi('/_app/vaccination/targets');
const PAGE = 50;
const listsKey = ['vaccination', 'target-lists'];

/** Target lists of the jurisdiction; the one picked (`?list=`) shows its uploads, their progress and its people. */
export function TargetListsPage() {
  return (
    <RequireScope scope="vaccination:read">
      <TargetLists />
    </RequireScope>
  );
}

function TargetLists() {
  const { t } = useTranslation();
  const user = useUser();
  const { list: selected } = route.useSearch();
  const navigate = useNavigate();
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const lists = useQuery({ queryKey: [...listsKey, offset], queryFn: ({ signal }) => v.listTargetLists({ limit: PAGE, offset }, signal), placeholderData: keepPreviousData });
  const open = (id: string | undefined) => void navigate({ to: '/vaccination/targets', search: id ? { list: id } : {} });
  const current = lists.data?.items.find((l) => l.id === selected);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('vaccination.targets.title')}
        </Title>
        {hasScope(user, 'vaccination:write') && <Button onClick={() => setCreating(true)}>+ {t('vaccination.targets.add')}</Button>}
      </Group>
      {lists.isPending ? (
        <PageLoader />
      ) : lists.isError ? (
        <ProblemAlert error={lists.error} />
      ) : lists.data.items.length === 0 ? (
        <Text c="dimmed">{t('vaccination.targets.empty')}</Text>
      ) : (
        <Card withBorder padding={0}>
          <Table highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('vaccination.targets.name')}</Table.Th>
                <Table.Th>{t('vaccination.targets.area')}</Table.Th>
                <Table.Th ta="right">{t('vaccination.targets.entries')}</Table.Th>
                <Table.Th>{t('vaccination.targets.created')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lists.data.items.map((l) => (
                <Table.Tr key={l.id} bg={l.id === selected ? 'sen.0' : undefined}>
                  <Table.Td>
                    <AnchorLink to="/vaccination/targets" search={{ list: l.id }} fw={600}>
                      {l.name}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td>
                    <AreaName code={l.areaCode} />
                  </Table.Td>
                  <Table.Td ta="right">{formatNumber(l.entries)}</Table.Td>
                  <Table.Td>{formatDate(l.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager offset={offset} count={lists.data.items.length} hasMore={lists.data.hasMore} pageSize={PAGE} onPage={setOffset} />
        </Card>
      )}
      {selected && <TargetListDetail key={selected} listId={selected} list={current} />}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('vaccination.targets.add')}>
        <TargetListForm
          onDone={(l) => {
            setCreating(false);
            open(l.id);
          }}
          onCancel={() => setCreating(false)}
        />
      </Modal>
    </Stack>
  );
}

function TargetListForm({ onDone, onCancel }: { onDone: (l: v.TargetList) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [areaCode, setAreaCode] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => v.createTargetList({ name: name.trim(), areaCode: areaCode! }),
    onSuccess: (l) => {
      void queryClient.invalidateQueries({ queryKey: listsKey });
      onDone(l);
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Stack gap="sm">
        <TextInput label={t('vaccination.targets.name')} name="listName" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} required />
        <AreaPicker label={t('vaccination.targets.area')} description={t('vaccination.targets.areaHelp')} name="listArea" value={areaCode} onChange={(c) => setAreaCode(c)} required />
        <ProblemAlert error={create.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={!name.trim() || !areaCode} loading={create.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

const running = (i: v.TargetImport) => i.status === 'queued' || i.status === 'running';

function TargetListDetail({ listId, list }: { listId: string; list: v.TargetList | undefined }) {
  const { t } = useTranslation();
  const user = useUser();
  const queryClient = useQueryClient();
  const importsKey = ['vaccination', 'target-imports', listId];
  // While a job runs the list is asked again every second: progress, then the counts and the error report.
  const imports = useQuery({
    queryKey: importsKey,
    queryFn: ({ signal }) => v.listTargetImports(listId, signal),
    refetchInterval: (q) => (q.state.data?.items.some(running) ? 1000 : false),
  });
  const busy = imports.data?.items.some(running) ?? false;
  const wasBusy = useRef(false);
  useEffect(() => {
    // A job just finished: the list's people and counts changed.
    if (wasBusy.current && !busy) {
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'target-entries', listId] });
      void queryClient.invalidateQueries({ queryKey: listsKey });
    }
    wasBusy.current = busy;
  }, [busy, listId, queryClient]);

  return (
    <Stack gap="md" data-testid="target-list">
      <Title order={2} size="h4">
        {list ? list.name : t('vaccination.targets.list')}
        {list && (
          <Text span size="sm" c="dimmed" ml="sm">
            <AreaName code={list.areaCode} />
          </Text>
        )}
      </Title>
      {hasScope(user, 'vaccination:write') && (
        <Uploader
          listId={listId}
          onUploaded={(imp) => queryClient.setQueryData<{ items: v.TargetImport[] }>(importsKey, (old) => ({ items: [imp, ...(old?.items ?? []).filter((i) => i.id !== imp.id)] }))}
        />
      )}
      {imports.isError && <ProblemAlert error={imports.error} />}
      {(imports.data?.items ?? []).map((i) => (
        <ImportCard key={i.id} imp={i} />
      ))}
      <Entries listId={listId} />
    </Stack>
  );
}

function Uploader({ listId, onUploaded }: { listId: string; onUploaded: (i: v.TargetImport) => void }) {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: () => v.uploadTargetFile(listId, file!),
    onSuccess: (imp) => {
      setFile(null);
      onUploaded(imp);
    },
  });
  return (
    <Card withBorder>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Stack gap="sm">
          <Text fw={600}>{t('vaccination.targets.upload')}</Text>
          <FileInput
            label={t('vaccination.targets.file')}
            placeholder={t('vaccination.targets.filePlaceholder')}
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            value={file}
            onChange={(f) => {
              upload.reset();
              setFile(f);
            }}
            clearable
            fileInputProps={{ 'data-testid': 'target-file' } as ComponentProps<'input'>}
          />
          <ProblemAlert error={upload.error} />
          <Group>
            <Button disabled={!file} loading={upload.isPending} onClick={() => upload.mutate()}>
              {t('vaccination.targets.send')}
            </Button>
          </Group>
        </Stack>
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('vaccination.targets.columns')}
          </Text>
          <List size="sm">
            {Object.values(TARGET_COLUMNS).map((c) => (
              <List.Item key={c.en}>
                {i18n.language === 'en' ? c.en : c.vi}
                {c.required ? ` (${t('vaccination.targets.required')})` : ''}
              </List.Item>
            ))}
          </List>
          <Text size="xs" c="dimmed">
            {t('vaccination.targets.formatHelp')}
          </Text>
        </Stack>
      </SimpleGrid>
    </Card>
  );
}

const STATUS_COLOURS: Record<v.ImportStatus, string> = { queued: 'gray', running: 'blue', done: 'green', failed: 'red' };

/** One upload: its progress while the job runs, then what it stored, created and refused, and the error report. */
function ImportCard({ imp }: { imp: v.TargetImport }) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="sm" data-testid="target-import">
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Text fw={600}>{imp.fileName}</Text>
          <Text size="sm" c="dimmed">
            {formatDateTime(imp.createdAt)}
          </Text>
        </Group>
        <Badge color={STATUS_COLOURS[imp.status]} data-testid="import-status">
          {t(`vaccination.targets.status.${imp.status}`)}
        </Badge>
      </Group>
      {running(imp) && (
        <Stack gap={4}>
          <Progress value={imp.progress * 100} animated aria-label={t('vaccination.targets.progress')} />
          <Text size="sm">{t('vaccination.targets.processed', { done: formatNumber(imp.rowsProcessed), total: formatNumber(imp.rowsTotal) })}</Text>
        </Stack>
      )}
      {imp.status === 'done' && (
        <Group gap="lg" data-testid="import-result">
          <Text size="sm">{t('vaccination.targets.rowsOk', { n: formatNumber(imp.rowsOk) })}</Text>
          <Text size="sm">{t('vaccination.targets.peopleCreated', { n: formatNumber(imp.peopleCreated) })}</Text>
          <Text size="sm">{t('vaccination.targets.peopleLinked', { n: formatNumber(imp.peopleLinked) })}</Text>
          <Text size="sm" c={imp.rowsFailed > 0 ? 'red' : undefined} fw={imp.rowsFailed > 0 ? 600 : undefined}>
            {t('vaccination.targets.rowsFailed', { n: formatNumber(imp.rowsFailed) })}
          </Text>
          {imp.rowsFailed > 0 && (
            <Anchor href={imp.errorsUrl} download size="sm" data-testid="import-errors">
              {t('vaccination.targets.errorReport')}
            </Anchor>
          )}
        </Group>
      )}
      {imp.status === 'failed' && (
        <Text size="sm" c="red" role="alert">
          {t('vaccination.targets.failed')} {imp.failure ?? ''}
        </Text>
      )}
    </Card>
  );
}

function Entries({ listId }: { listId: string }) {
  const { t } = useTranslation();
  const user = useUser();
  const [offset, setOffset] = useState(0);
  const entries = useQuery({
    queryKey: ['vaccination', 'target-entries', listId, offset],
    queryFn: ({ signal }) => v.listTargetEntries(listId, { limit: PAGE, offset }, signal),
    placeholderData: keepPreviousData,
  });
  return (
    <Card withBorder padding={0}>
      <Text fw={600} p="sm">
        {t('vaccination.targets.people')}
      </Text>
      <PagedTable
        query={entries}
        testId="target-entries"
        empty={t('vaccination.targets.noPeople')}
        columns={[
          { label: t('vaccination.targets.row') },
          { label: t('person.fullName') },
          { label: t('person.birthDate') },
          { label: t('vaccination.targets.commune') },
          { label: t('vaccination.me.priorityGroup') },
        ]}
        row={(e) => (
          <Table.Tr key={e.id}>
            <Table.Td>{e.rowNumber ?? '—'}</Table.Td>
            <Table.Td>
              {hasScope(user, 'people:read') ? (
                <AnchorLink to="/people/$id" params={{ id: e.personId }}>
                  {e.fullName}
                </AnchorLink>
              ) : (
                e.fullName
              )}
            </Table.Td>
            <Table.Td>{formatBirthDate(e.birthDate)}</Table.Td>
            <Table.Td>{e.communeCode ?? '—'}</Table.Td>
            <Table.Td>{e.priorityGroup ?? '—'}</Table.Td>
          </Table.Tr>
        )}
        paging={{ offset, pageSize: PAGE, onPage: setOffset }}
      />
    </Card>
  );
}
