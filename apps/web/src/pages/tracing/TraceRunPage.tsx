import { Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { AnchorLink } from '../../components/links';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import * as c from '../../components/checkins/checkinsApi';
import { PageLoader } from '../../components/vaccination/common';
import { formatBirthDate, formatDateTime, formatNumber } from '../../lib/format';

// MapLibre (about a megabyte) loads only when the map is drawn.
const TraceVenuesMap = lazy(() => import('../../components/checkins/TraceVenuesMap'));

export function TraceRunPage() {
  return (
    <RequireScope scope="tracing:run">
      <Run />
    </RequireScope>
  );
}

const ruleText = (rule: Record<string, unknown>, t: TFunction) =>
  rule.kind === 'overlap' ? t('tracing.rule.overlapLine', { n: rule.minMinutes }) : t('tracing.rule.windowLine', { n: rule.minutes });

/** One stored trace run: the positive's visits, ranked F1 candidates to open and confirm, and the venues on a map. */
function Run() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/_app/tracing/runs/$id' });
  const [offset, setOffset] = useState(0);
  const run = useQuery({
    queryKey: ['tracing', 'run', id, offset],
    queryFn: ({ signal }) => c.getRun(id, { offset, limit: 100 }, signal),
    // While the F2 job runs, look again now and then for its result.
    refetchInterval: (q) => (q.state.data?.secondDegree.status === 'queued' ? 5_000 : false),
  });
  const venues = useQuery({ queryKey: ['tracing', 'run', id, 'venues'], queryFn: ({ signal }) => c.getRunVenues(id, signal) });
  if (run.isPending) return <PageLoader />;
  if (run.isError) return <ProblemAlert error={run.error} />;
  const r = run.data;
  return (
    <Stack gap="md" maw={1200}>
      <div>
        <AnchorLink to="/tracing" size="sm">
          ← {t('tracing.title')}
        </AnchorLink>
        <Title order={1} size="h3">
          {t('tracing.runPage.title', { name: r.indexPersonName })}
        </Title>
        <Text size="sm" c="dimmed">
          {formatDateTime(r.windowFrom)} – {formatDateTime(r.windowTo)} · {ruleText(r.rule, t)} · {t('tracing.runPage.reason', { reason: r.reason })}
        </Text>
      </div>
      <Card withBorder>
        <Stack gap="xs">
          <Title order={2} size="h4">
            {t('tracing.runPage.visits', { count: r.visits.length })}
          </Title>
          {r.visits.length === 0 ? (
            <Text c="dimmed" size="sm">
              {t('tracing.runPage.noVisits')}
            </Text>
          ) : (
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('tracing.runPage.venue')}</Table.Th>
                  <Table.Th>{t('tracing.runPage.from')}</Table.Th>
                  <Table.Th>{t('tracing.runPage.to')}</Table.Th>
                  <Table.Th>{t('tracing.runPage.present')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.visits.map((v) => (
                  <Table.Tr key={v.checkinId}>
                    <Table.Td>{v.venueName ?? v.venueId}</Table.Td>
                    <Table.Td>{formatDateTime(v.start)}</Table.Td>
                    <Table.Td>
                      {formatDateTime(v.end)}
                      {v.endEstimated ? ` (${t('tracing.runPage.estimated')})` : ''}
                    </Table.Td>
                    <Table.Td>{formatNumber(v.contacts)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Card>
      <Candidates run={r} title={t('tracing.candidates.title', { count: r.candidateCount })} offset={offset} setOffset={setOffset} />
      <SecondDegree run={r} />
      <Card withBorder>
        <Stack gap="xs">
          <Title order={2} size="h4">
            {t('tracing.map.title')}
          </Title>
          {venues.isError ? (
            <ProblemAlert error={venues.error} />
          ) : venues.data ? (
            <>
              <div style={{ height: 420 }}>
                <Suspense fallback={<PageLoader />}>
                  <TraceVenuesMap venues={venues.data.items} />
                </Suspense>
              </div>
              <Text size="xs" c="dimmed">
                {t('tracing.map.byCommune')}
              </Text>
              {venues.data.items.map((v) => (
                <Text key={v.venueId} size="sm">
                  {v.name ?? v.venueId} · {[v.communeName, v.provinceName].filter(Boolean).join(', ')} · {t('tracing.map.visitsLine', { visits: v.visits, contacts: v.contacts })}
                </Text>
              ))}
            </>
          ) : (
            <PageLoader />
          )}
        </Stack>
      </Card>
    </Stack>
  );
}

/** The second-degree search: a button that queues the job from the confirmed F1s, its state, and the F2 candidates it found. */
function SecondDegree({ run }: { run: c.TraceRun }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [offset, setOffset] = useState(0);
  const f2 = run.secondDegree;
  const request = useMutation({ mutationFn: () => c.requestSecondDegree(run.id), onSuccess: () => qc.invalidateQueries({ queryKey: ['tracing', 'run', run.id] }) });
  const candidates = useQuery({
    queryKey: ['tracing', 'run', run.id, 'f2', offset],
    queryFn: ({ signal }) => c.getRun(run.id, { generation: '2', offset, limit: 100 }, signal),
    enabled: f2.status === 'done',
  });
  return (
    <Card withBorder data-testid="second-degree">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t('tracing.f2.title')}
          </Title>
          {f2.status !== 'queued' && (
            <Button size="xs" variant={f2.status === null ? 'filled' : 'default'} loading={request.isPending} onClick={() => request.mutate()}>
              {t(f2.status === null ? 'tracing.f2.start' : 'tracing.f2.again')}
            </Button>
          )}
        </Group>
        <Text size="sm" c={f2.status === 'failed' ? 'red' : undefined} data-testid="second-degree-status">
          {f2.status === null
            ? t('tracing.f2.hint')
            : f2.status === 'queued'
              ? t('tracing.f2.queued')
              : f2.status === 'failed'
                ? t('tracing.f2.failed')
                : t('tracing.f2.done', { f1: f2.summary?.f1 ?? 0, count: f2.summary?.candidates ?? 0 })}
        </Text>
        {f2.status === 'done' && f2.summary && (f2.summary.cutTotal || f2.summary.cutPerF1 > 0) && f2.limits && (
          <Text size="xs" c="dimmed">
            {t('tracing.f2.cut', { perF1: f2.limits.perF1Limit, total: f2.limits.totalLimit })}
          </Text>
        )}
        <ProblemAlert error={request.error ?? candidates.error} />
        {candidates.data && candidates.data.candidates.length > 0 && (
          <Candidates run={candidates.data} title={t('tracing.f2.candidates', { count: f2.summary?.candidates ?? candidates.data.candidates.length })} offset={offset} setOffset={setOffset} />
        )}
      </Stack>
    </Card>
  );
}

function Candidates({ run, title, offset, setOffset }: { run: c.TraceRun; title: string; offset: number; setOffset: (n: number) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [opened, setOpened] = useState<Record<string, c.OpenedCandidate>>({});
  const venueName = (id: string | null) => run.visits.find((v) => v.venueId === id)?.venueName ?? '';
  const open = useMutation({ mutationFn: (cand: c.Candidate) => c.openCandidate(run.id, cand.id), onSuccess: (o) => setOpened((m) => ({ ...m, [o.id]: o })) });
  const refresh = () => qc.invalidateQueries({ queryKey: ['tracing', 'run', run.id] });
  const confirm = useMutation({ mutationFn: (cand: c.Candidate) => c.confirmCandidate(run.id, cand.id), onSuccess: refresh });
  const dismiss = useMutation({ mutationFn: (cand: c.Candidate) => c.dismissCandidate(run.id, cand.id), onSuccess: refresh });
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={2} size="h4">
          {title}
        </Title>
        <ProblemAlert error={open.error ?? confirm.error ?? dismiss.error} />
        {run.candidates.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('tracing.candidates.empty')}
          </Text>
        ) : (
          <Table striped data-testid="candidates">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>{t('tracing.candidates.person')}</Table.Th>
                <Table.Th>{t('tracing.candidates.risk')}</Table.Th>
                <Table.Th>{t('tracing.candidates.exposure')}</Table.Th>
                <Table.Th>{t('tracing.candidates.status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {run.candidates.map((cand) => {
                const o = opened[cand.id];
                return (
                  <Table.Tr key={cand.id} data-testid="candidate">
                    <Table.Td>{cand.rank}</Table.Td>
                    <Table.Td>
                      <Text fw={500}>{o?.fullName ?? cand.maskedName}</Text>
                      {o && (
                        <Text size="xs" c="dimmed">
                          {formatBirthDate(o.birthDate)}
                          {o.phone ? ` · ${o.phone}` : ''}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={cand.risk === 'high' ? 'red' : 'yellow'}>{t(`tracing.candidates.riskLevel.${cand.risk}`)}</Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {t('tracing.candidates.overlap', { minutes: formatNumber(Math.round(cand.overlapMinutes)), visits: cand.distinctVisits })}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {formatDateTime(cand.exposureStart)} · {venueName(cand.bestVenueId)}
                      </Text>
                    </Table.Td>
                    <Table.Td>{t(`tracing.candidates.statusName.${cand.status}`)}</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        {!o && (
                          <Button size="compact-xs" variant="default" onClick={() => open.mutate(cand)} aria-label={`${t('tracing.candidates.open')}: ${cand.maskedName}`}>
                            {t('tracing.candidates.open')}
                          </Button>
                        )}
                        {cand.status === 'pending' && (
                          <>
                            <Button size="compact-xs" onClick={() => confirm.mutate(cand)} aria-label={`${t('tracing.candidates.confirm')}: ${o?.fullName ?? cand.maskedName}`}>
                              {t('tracing.candidates.confirm')}
                            </Button>
                            <Button size="compact-xs" variant="subtle" color="gray" onClick={() => dismiss.mutate(cand)}>
                              {t('tracing.candidates.dismiss')}
                            </Button>
                          </>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
        <Group>
          {offset > 0 && (
            <Button size="xs" variant="default" onClick={() => setOffset(Math.max(0, offset - 100))}>
              {t('tracing.candidates.previous')}
            </Button>
          )}
          {run.nextOffset !== null && (
            <Button size="xs" variant="default" onClick={() => setOffset(run.nextOffset ?? 0)}>
              {t('tracing.candidates.next')}
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
