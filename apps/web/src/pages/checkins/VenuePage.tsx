import { Alert, Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { vnToday } from '@sen/domain';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert, useErrorMessage } from '../../components/ProblemAlert';
import * as c from '../../components/checkins/checkinsApi';
import { QrScanner } from '../../components/checkins/QrScanner';
import { dropQueued, enqueueVisitor, isOffline, readQueue, syncQueue, type QueuedVisitor } from '../../components/checkins/visitorQueue';
import { PageLoader } from '../../components/vaccination/common';
import { formatDate, formatDateTime, formatNumber } from '../../lib/format';
import { hasScope, useUser } from '../../lib/user';

const canSee = (scopes: string[]) => scopes.includes('business:manage') || scopes.includes('people:read');
/** HH:mm on the Viet Nam clock, like the day and the hourly counts the server gives (whatever the device's zone). */
const hhmm = (iso: string) => new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(11, 16);

export function VenuePage() {
  return (
    <RequireScope scope={canSee}>
      <Venue />
    </RequireScope>
  );
}

/** One venue: its poster and token, and for its owner the visitor desk (scan or ID number, offline queue) and today's list. */
function Venue() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/_app/venues/$id' });
  const user = useUser();
  const venue = useQuery({ queryKey: ['venue', id], queryFn: ({ signal }) => c.getVenue(id, signal) });
  if (venue.isPending) return <PageLoader />;
  if (venue.isError) return <ProblemAlert error={venue.error} />;
  const v = venue.data;
  const owner = hasScope(user, 'business:manage') && v.ownerUserId === user.id;
  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between">
        <div>
          <Title order={1} size="h3">
            {v.name}
          </Title>
          <Text c="dimmed" size="sm">
            {t(`checkins.venueType.${v.type}`)} · {v.address ?? '—'} · {t('checkins.venues.visitLine', { n: v.defaultVisitMinutes })}
          </Text>
        </div>
        {!v.active && <Badge color="gray">{t('checkins.venues.inactive')}</Badge>}
      </Group>
      <Poster venue={v} canRotate={owner || hasScope(user, 'people:write')} />
      {owner && (
        <>
          <VisitorDesk venue={v} />
          <VisitorList venueId={v.id} />
        </>
      )}
    </Stack>
  );
}

function Poster({ venue, canRotate }: { venue: c.Venue; canRotate: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const qr = useQuery({ queryKey: ['venue', venue.id, 'qr'], queryFn: ({ signal }) => c.getVenueQr(venue.id, signal) });
  const rotate = useMutation({ mutationFn: () => c.rotateVenueQr(venue.id), onSuccess: (data) => qc.setQueryData(['venue', venue.id, 'qr'], data) });
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('checkins.poster.title')}
        </Title>
        {qr.data && (
          <Text size="sm">
            {t('checkins.poster.version', { version: qr.data.version, date: formatDateTime(qr.data.issuedAt) })} · {t('checkins.qrValidUntil', { date: formatDate(qr.data.expiresAt) })}
          </Text>
        )}
        <Group>
          <Anchor href={`${c.venuePosterUrl(venue.id)}?v=${qr.data?.version ?? 0}`} download data-testid="poster-link">
            {t('checkins.poster.download')}
          </Anchor>
          {canRotate && (
            <Button variant="subtle" color="red" size="xs" loading={rotate.isPending} onClick={() => window.confirm(t('checkins.poster.rotateConfirm')) && rotate.mutate()}>
              {t('checkins.poster.rotate')}
            </Button>
          )}
        </Group>
        <ProblemAlert error={qr.error ?? rotate.error} />
      </Stack>
    </Card>
  );
}

/** Staff check visitors in by scanning their personal QR or typing an ID number; without network the check-in waits in the queue. */
function VisitorDesk({ venue }: { venue: c.Venue }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const message = useErrorMessage();
  const [idNumber, setIdNumber] = useState('');
  const [queue, setQueue] = useState<QueuedVisitor[]>(() => readQueue(venue.id));
  const [last, setLast] = useState<{ ok: boolean; text: string } | null>(null);
  const [syncing, setSyncing] = useState(false);
  const refresh = useCallback(() => setQueue(readQueue(venue.id)), [venue.id]);

  const sync = useCallback(async () => {
    if (readQueue(venue.id).filter((x) => !x.refused).length === 0) return;
    setSyncing(true);
    try {
      const res = await syncQueue(venue.id, (body) => c.checkInVisitor(venue.id, body));
      if (res.sent > 0) setLast({ ok: true, text: t('checkins.desk.synced', { count: res.sent }) });
      await qc.invalidateQueries({ queryKey: ['venue', venue.id, 'visitors'] });
    } catch {
      // still offline: the items stay
    } finally {
      setSyncing(false);
      refresh();
    }
  }, [venue.id, qc, refresh, t]);

  useEffect(() => {
    void sync();
    window.addEventListener('online', sync);
    return () => window.removeEventListener('online', sync);
  }, [sync]);

  async function submit(body: c.VisitorCheckin, label: string) {
    try {
      const res = await c.checkInVisitor(venue.id, body);
      setLast({ ok: true, text: t(res.duplicate ? 'checkins.desk.already' : 'checkins.desk.done', { name: res.maskedName }) });
      await qc.invalidateQueries({ queryKey: ['venue', venue.id, 'visitors'] });
    } catch (e) {
      if (isOffline(e)) {
        enqueueVisitor(venue.id, { body, label });
        refresh();
        setLast({ ok: true, text: t('checkins.desk.queued') });
      } else setLast({ ok: false, text: message(e) });
    }
  }
  const now = () => new Date().toISOString();
  function byId(e: FormEvent) {
    e.preventDefault();
    const value = idNumber.replace(/\s/g, '');
    if (!value) return;
    setIdNumber('');
    void submit({ idNumber: value, clientId: c.newClientId(), checkedInAt: now() }, `${value.slice(0, 3)}…${value.slice(-3)}`);
  }
  const byQr = (token: string) => void submit({ personToken: token.trim(), clientId: c.newClientId(), checkedInAt: now() }, t('checkins.desk.qrLabel'));

  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('checkins.desk.title')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Stack gap="xs">
            <Text fw={500} size="sm">
              {t('checkins.desk.scanPerson')}
            </Text>
            <QrScanner onResult={byQr} testId="person-qr-upload" />
          </Stack>
          <form onSubmit={byId} aria-label={t('checkins.desk.byId')}>
            <Stack gap="xs">
              <TextInput name="idNumber" label={t('checkins.desk.byId')} placeholder="001090000123" value={idNumber} onChange={(e) => setIdNumber(e.currentTarget.value)} maxLength={60} autoComplete="off" />
              <Group>
                <Button type="submit">{t('checkins.desk.checkIn')}</Button>
              </Group>
            </Stack>
          </form>
        </SimpleGrid>
        {last && (
          <Alert color={last.ok ? 'green' : 'red'} data-testid="desk-result" role={last.ok ? 'status' : 'alert'}>
            {last.text}
          </Alert>
        )}
        {queue.length > 0 && (
          <Stack gap={4} data-testid="visitor-queue">
            <Group justify="space-between">
              <Text size="sm" fw={500}>
                {t('checkins.desk.pending', { count: queue.length })}
              </Text>
              <Button size="xs" variant="light" loading={syncing} onClick={() => void sync()}>
                {t('checkins.desk.syncNow')}
              </Button>
            </Group>
            {queue.map((q) => (
              <Group key={q.body.clientId} gap="xs">
                <Text size="sm">
                  {formatDateTime(q.body.checkedInAt)} · {q.label}
                </Text>
                {q.refused && (
                  <>
                    <Text size="sm" c="red">
                      {q.refused}
                    </Text>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => {
                        dropQueued(venue.id, q.body.clientId);
                        refresh();
                      }}
                    >
                      {t('checkins.desk.drop')}
                    </Button>
                  </>
                )}
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

function VisitorList({ venueId }: { venueId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [date, setDate] = useState(vnToday());
  const visitors = useQuery({ queryKey: ['venue', venueId, 'visitors', date], queryFn: ({ signal }) => c.getVisitors(venueId, date, signal), refetchInterval: 60_000 });
  // The desk records a visitor leaving; a visit lasts at most 24 hours (after that the default length stands).
  const checkOut = useMutation({
    mutationFn: (checkinId: string) => c.checkOutVisitor(venueId, checkinId),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['venue', venueId, 'visitors'] }),
  });
  const canCheckOut = (v: c.Visitors['visitors'][number]) => v.checkedOutAt === null && Date.now() - Date.parse(v.checkedInAt) < 24 * 3_600_000;
  const max = Math.max(1, ...(visitors.data?.countsByHour.map((h) => h.count) ?? [1]));
  // The colour column shows once the server sends colours (the personal QR colour of each visitor).
  const withColour = visitors.data?.visitors.some((v) => v.colour) ?? false;
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t('checkins.visitors.title')}
          </Title>
          <TextInput type="date" value={date} onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)} aria-label={t('checkins.visitors.day')} size="xs" />
        </Group>
        {visitors.isPending ? (
          <PageLoader />
        ) : visitors.isError ? (
          <ProblemAlert error={visitors.error} />
        ) : (
          <>
            <ProblemAlert error={checkOut.error} />
            <Text size="sm" data-testid="visitor-total">
              {t('checkins.visitors.total', { n: formatNumber(visitors.data.total) })}
            </Text>
            <Group gap={2} align="flex-end" h={80} aria-label={t('checkins.visitors.byHour')} role="img">
              {Array.from({ length: 24 }, (_, hour) => {
                const n = visitors.data.countsByHour.find((h) => h.hour === hour)?.count ?? 0;
                return (
                  <div key={hour} title={`${hour}h: ${n}`} style={{ flex: 1, display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'flex-end', height: '100%' }}>
                    <div style={{ width: '100%', height: `${(n / max) * 60}px`, background: 'var(--mantine-color-sen-6, #c92a2a)', borderRadius: 2 }} />
                    <Text size="9px" c="dimmed">
                      {hour % 3 === 0 ? hour : ''}
                    </Text>
                  </div>
                );
              })}
            </Group>
            {visitors.data.visitors.length === 0 ? (
              <Text c="dimmed" size="sm">
                {t('checkins.visitors.empty')}
              </Text>
            ) : (
              <Table striped data-testid="visitor-list">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('checkins.visitors.name')}</Table.Th>
                    <Table.Th>{t('checkins.visitors.in')}</Table.Th>
                    <Table.Th>{t('checkins.visitors.out')}</Table.Th>
                    {withColour && <Table.Th>{t('checkins.visitors.colour')}</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {visitors.data.visitors.map((v) => (
                    <Table.Tr key={v.checkinId}>
                      <Table.Td>{v.maskedName}</Table.Td>
                      <Table.Td>{hhmm(v.checkedInAt)}</Table.Td>
                      <Table.Td>
                        {v.checkedOutAt ? (
                          hhmm(v.checkedOutAt)
                        ) : (
                          <Group gap="xs" wrap="nowrap">
                            <Text size="sm">~{hhmm(v.leftAt)}</Text>
                            {canCheckOut(v) && (
                              <Button size="compact-xs" variant="light" loading={checkOut.isPending && checkOut.variables === v.checkinId} onClick={() => checkOut.mutate(v.checkinId)} aria-label={`${t('checkins.visitors.checkOut')}: ${v.maskedName}`}>
                                {t('checkins.visitors.checkOut')}
                              </Button>
                            )}
                          </Group>
                        )}
                      </Table.Td>
                      {withColour && <Table.Td>{v.colour ? <Badge color={v.colour === 'green' ? 'green' : 'dark'}>{t(`checkins.colour.${v.colour}`)}</Badge> : '—'}</Table.Td>}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {visitors.data.truncated && <Text size="xs" c="dimmed">{t('checkins.visitors.truncated')}</Text>}
          </>
        )}
      </Stack>
    </Card>
  );
}
