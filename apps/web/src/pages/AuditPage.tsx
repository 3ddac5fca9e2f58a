import { Autocomplete, Button, Card, Center, Code, Grid, Group, Loader, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { AuditEvent } from '../api';
import { RequireScope } from '../components/NoAccess';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatDate, formatDateTime, formatNumber, parseDayInput } from '../lib/format';
import type { AuditSearch } from '../router';
import { AnchorLink } from '../components/links';

const route = getRouteApi('/_app/audit');
const LIMIT = 200;

/** Common actions, for the filter's suggestions; any other action can be typed. */
const ACTIONS = [
  'user.login',
  'user.login_failed',
  'user.logout',
  'user.create',
  'user.password_change',
  'user.roles_change',
  'area.population_set',
  'person.create',
  'person.update',
  'person.merge',
  'audit.query',
];

export function AuditPage() {
  return (
    <RequireScope scope="audit:read">
      <Audit />
    </RequireScope>
  );
}

/** The URL keeps days as yyyy-MM-dd; the server gets instants (from = start of the day, to = start of the next day). */
function toRange(search: AuditSearch): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  const from = search.from ? parseDayInput(search.from) : null;
  const to = search.to ? parseDayInput(search.to) : null;
  if (from) out.from = from.toISOString();
  if (to) out.to = new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1).toISOString();
  return out;
}

function dayToInput(day: string | undefined): string {
  const d = day ? parseDayInput(day) : null;
  return d ? formatDate(d.toISOString()) : (day ?? '');
}

const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

function Audit() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const navigate = useNavigate();
  const [details, setDetails] = useState<AuditEvent | null>(null);

  const params: api.AuditQuery = {
    action: search.action,
    entityType: search.entityType,
    entityId: search.entityId,
    actor: search.actor,
    ...toRange(search),
    limit: LIMIT,
  };
  const events = useQuery({
    queryKey: ['audit', params],
    queryFn: ({ signal }) => api.listAudit(params, signal),
    placeholderData: keepPreviousData,
  });
  const items = events.data?.items ?? [];

  return (
    <Stack gap="md">
      <Title order={1} size="h3">
        {t('audit.title')}
      </Title>
      <Card withBorder padding="md">
        <AuditFilters key={JSON.stringify(search)} initial={search} onApply={(s) => void navigate({ to: '/audit', search: s })} />
      </Card>
      {events.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : events.isError ? (
        <ProblemAlert error={events.error} />
      ) : items.length === 0 ? (
        <Card withBorder padding="lg">
          <Text c="dimmed">{t('audit.empty')}</Text>
        </Card>
      ) : (
        <Card withBorder padding={0} style={{ opacity: events.isPlaceholderData ? 0.6 : 1 }}>
          <Table.ScrollContainer minWidth={820}>
            <Table striped highlightOnHover fz="sm" verticalSpacing={4} stickyHeader>
              <Table.Thead style={{ whiteSpace: 'nowrap' }}>
                <Table.Tr>
                  <Table.Th w={170}>{t('audit.time')}</Table.Th>
                  <Table.Th>{t('audit.actor')}</Table.Th>
                  <Table.Th>{t('audit.action')}</Table.Th>
                  <Table.Th>{t('audit.entity')}</Table.Th>
                  <Table.Th>{t('audit.ip')}</Table.Th>
                  <Table.Th w={80} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
                    <Table.Td>{e.actorUsername ?? <Text span c="dimmed" size="sm">{t('audit.system')}</Text>}</Table.Td>
                    <Table.Td>
                      <Code>{e.action}</Code>
                    </Table.Td>
                    <Table.Td>
                      {e.entityType ? (
                        <>
                          <Text span size="sm" c="dimmed">
                            {e.entityType}
                          </Text>{' '}
                          {e.entityType === 'person' && e.entityId ? (
                            <AnchorLink to="/people/$id" params={{ id: e.entityId }} size="sm" className="sen-mono">
                              {e.entityId}
                            </AnchorLink>
                          ) : (
                            <span className="sen-mono">{e.entityId ?? ''}</span>
                          )}
                        </>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td className="sen-mono">{e.ip ?? '—'}</Table.Td>
                    <Table.Td>
                      {e.details != null && (
                        <Button size="compact-xs" variant="subtle" onClick={() => setDetails(e)}>
                          {t('audit.details')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text size="xs" c="dimmed" p="sm">
            {items.length >= LIMIT ? t('audit.truncated', { count: formatNumber(LIMIT) }) : t('audit.count', { count: items.length, n: formatNumber(items.length) })}
          </Text>
        </Card>
      )}
      <Modal opened={!!details} onClose={() => setDetails(null)} title={details ? `${details.action} · ${formatDateTime(details.at)}` : ''} size="lg">
        <Code block>{details ? JSON.stringify(details.details, null, 2) : ''}</Code>
      </Modal>
    </Stack>
  );
}

function AuditFilters({ initial, onApply }: { initial: AuditSearch; onApply: (s: AuditSearch) => void }) {
  const { t } = useTranslation();
  const [action, setAction] = useState(initial.action ?? '');
  const [entityType, setEntityType] = useState(initial.entityType ?? '');
  const [entityId, setEntityId] = useState(initial.entityId ?? '');
  const [actor, setActor] = useState(initial.actor ?? '');
  const [from, setFrom] = useState(dayToInput(initial.from));
  const [to, setTo] = useState(dayToInput(initial.to));
  const fromDate = from.trim() ? parseDayInput(from) : null;
  const toDate = to.trim() ? parseDayInput(to) : null;
  const fromBad = from.trim() !== '' && !fromDate;
  const toBad = to.trim() !== '' && !toDate;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (fromBad || toBad) return;
    const s: AuditSearch = {};
    if (action.trim()) s.action = action.trim();
    if (entityType.trim()) s.entityType = entityType.trim();
    if (entityId.trim()) s.entityId = entityId.trim();
    if (actor.trim()) s.actor = actor.trim();
    if (fromDate) s.from = isoDay(fromDate);
    if (toDate) s.to = isoDay(toDate);
    onApply(s);
  }

  return (
    <form onSubmit={submit}>
      <Grid gap="sm" align="flex-end">
        <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
          <Autocomplete label={t('audit.action')} placeholder={t('audit.anyAction')} data={ACTIONS} value={action} onChange={setAction} clearable />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 3, md: 2 }}>
          <TextInput label={t('audit.entityType')} placeholder="person" value={entityType} onChange={(e) => setEntityType(e.currentTarget.value)} />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 3, md: 3 }}>
          <TextInput label={t('audit.entityId')} value={entityId} onChange={(e) => setEntityId(e.currentTarget.value)} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
          <TextInput label={t('audit.actor')} placeholder={t('login.username')} value={actor} onChange={(e) => setActor(e.currentTarget.value)} />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 3, md: 2 }}>
          <TextInput label={t('audit.from')} placeholder="dd/mm/yyyy" value={from} onChange={(e) => setFrom(e.currentTarget.value)} error={fromBad ? t('validation.day') : null} />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 3, md: 2 }}>
          <TextInput label={t('audit.to')} placeholder="dd/mm/yyyy" value={to} onChange={(e) => setTo(e.currentTarget.value)} error={toBad ? t('validation.day') : null} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6, md: 8 }}>
          <Group justify="flex-end" gap="xs">
            <Button
              variant="subtle"
              color="gray"
              onClick={() => {
                setAction('');
                setEntityType('');
                setEntityId('');
                setActor('');
                setFrom('');
                setTo('');
                onApply({});
              }}
            >
              {t('common.reset')}
            </Button>
            <Button type="submit">{t('common.filter')}</Button>
          </Group>
        </Grid.Col>
      </Grid>
    </form>
  );
}
