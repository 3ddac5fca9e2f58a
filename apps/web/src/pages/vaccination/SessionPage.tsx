import { Alert, Badge, Breadcrumbs, Button, Card, Group, Select, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getPerson, type PersonSummary } from '../../api';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { QrScanner } from '../../components/checkins/QrScanner';
import { InjectionForm } from '../../components/vaccination/InjectionForm';
import { AdverseEventForm, ObservationBoard } from '../../components/vaccination/ObservationBoard';
import { dismiss, useOfflineQueue } from '../../components/vaccination/offlineQueue';
import { PageLoader, useSessionAndSite, useVaccineName } from '../../components/vaccination/common';
import { PersonLookup } from '../../components/vaccination/PersonLookup';
import { ScreeningForm, type ScreeningDone } from '../../components/vaccination/ScreeningForm';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatDate, formatDateTime, formatNumber } from '../../lib/format';
import { hasScope, useUser } from '../../lib/user';

const route = getRouteApi('/_app/vaccination/sessions/$id');

export function SessionPage() {
  return (
    <RequireScope scope="vaccination:write">
      <SessionView />
    </RequireScope>
  );
}

type Step = 'arrival' | 'screening' | 'injection' | 'observation' | 'adverse';
interface Current {
  id: string;
  name: string;
  screening?: ScreeningDone;
}

function SessionView() {
  const { id } = route.useParams();
  const queryClient = useQueryClient();
  const { session, site } = useSessionAndSite(id);
  if (session.isPending || (session.data && site.isPending)) return <PageLoader />;
  if (session.isError) return <ProblemAlert error={session.error} />;
  if (site.isError) return <ProblemAlert error={site.error} />;
  if (!site.data) return <PageLoader />;
  return <Workflow session={session.data} site={site.data} refresh={() => void queryClient.invalidateQueries({ queryKey: ['vaccination', 'session', id] })} />;
}

function Workflow({ session, site, refresh }: { session: v.Session; site: v.Site; refresh: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const user = useUser();
  const vaccineName = useVaccineName();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<Step>('arrival');
  const [current, setCurrent] = useState<Current | null>(null);
  const onSynced = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: ['vaccination'] });
  }, [queryClient]);
  const queue = useOfflineQueue(onSynced);
  // Loaded with the session so that the injection step still lists the lots when the network drops later.
  useQuery({ queryKey: ['vaccination', 'stock', site.storeId], queryFn: ({ signal }) => v.getStock(site.storeId!, signal), enabled: !!site.storeId });
  const arrivals = useQuery({ queryKey: ['vaccination', 'arrivals', session.id], queryFn: ({ signal }) => v.listArrivals(session.id, signal), refetchInterval: 30_000 });
  const status = useMutation({
    mutationFn: (change: 'open' | 'close') => v.changeSessionStatus(session.id, change),
    onSuccess: refresh,
  });
  const checkIn = useMutation({
    mutationFn: (p: PersonSummary) => v.recordArrival(session.id, { id: v.clientId(), personId: p.id, method: 'search' }),
    onSuccess: (a, p) => {
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'arrivals', session.id] });
      setCurrent({ id: a.personId, name: p.fullName });
      setStep('screening');
    },
  });
  // A raw person id typed or pasted, or the person's signed QR as scanned: the server resolves both to the person.
  const checkInById = useMutation({
    mutationFn: async (who: { personId: string } | { personToken: string }) => {
      const arrival = await v.recordArrival(session.id, { id: v.clientId(), ...('personId' in who ? { ...who, method: 'person_id' as const } : who) });
      const person = await getPerson(arrival.personId);
      return { id: person.id, name: person.fullName };
    },
    onSuccess: (p) => {
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'arrivals', session.id] });
      setCurrent(p);
      setStep('screening');
    },
  });
  const pending = queue.items.filter((x) => !x.refused);
  const refused = queue.items.filter((x) => x.refused);
  const usable = session.status === 'open' || session.status === 'planned';

  return (
    <Stack gap="md">
      <Breadcrumbs>
        <AnchorLink to="/vaccination/sites" size="sm">
          {t('vaccination.sites.title')}
        </AnchorLink>
        <AnchorLink to="/vaccination/sites/$id" params={{ id: site.id }} size="sm">
          {site.name}
        </AnchorLink>
        <Text size="sm">{formatDate(`${session.date}T00:00:00`)}</Text>
      </Breadcrumbs>
      <Group justify="space-between" wrap="wrap">
        <div>
          <Title order={1} size="h3">
            {t('vaccination.sessions.heading', { site: site.name, date: formatDate(`${session.date}T00:00:00`) })}
          </Title>
          <Text size="sm" c="dimmed">
            {session.vaccines.map(vaccineName).join(', ')} · {t('vaccination.sessions.counts', { doses: formatNumber(session.doses ?? 0), capacity: formatNumber(session.capacity) })}
          </Text>
        </div>
        <Group>
          <Button size="md" variant="subtle" onClick={() => void navigate({ to: '/vaccination/sessions/$id/invitations', params: { id: session.id } })}>
            {t('vaccination.invitations.title')}
          </Button>
          <Badge size="lg" variant="light">
            {t(`vaccination.sessionStatus.${session.status}`)}
          </Badge>
          {hasScope(user, 'vaccination:write') && session.status === 'planned' && (
            <Button size="md" onClick={() => status.mutate('open')} loading={status.isPending}>
              {t('vaccination.sessions.open')}
            </Button>
          )}
          {hasScope(user, 'vaccination:write') && session.status === 'open' && (
            <Button size="md" variant="default" onClick={() => status.mutate('close')} loading={status.isPending}>
              {t('vaccination.sessions.close')}
            </Button>
          )}
        </Group>
      </Group>
      <ProblemAlert error={status.error} />

      {(!queue.online || queue.items.length > 0) && (
        <Alert color={queue.online ? 'blue' : 'yellow'} title={queue.online ? t('vaccination.offline.pendingTitle') : t('vaccination.offline.offlineTitle')}>
          <Group justify="space-between">
            <Text size="sm">{t('vaccination.offline.pending', { count: pending.length })}</Text>
            {queue.online && pending.length > 0 && (
              <Button size="sm" onClick={() => void queue.sync()} loading={queue.syncing}>
                {t('vaccination.offline.syncNow')}
              </Button>
            )}
          </Group>
          {refused.map((x) => (
            <Group key={x.id} justify="space-between" mt={4}>
              <Text size="sm" c="red">
                {x.label} · {t(`vaccination.offline.kind.${x.kind}`)}: {x.refused?.message ?? x.refused?.code}
              </Text>
              <Button size="compact-sm" variant="subtle" onClick={() => dismiss(x.id)}>
                {t('common.remove')}
              </Button>
            </Group>
          ))}
          <ProblemAlert error={queue.error} />
        </Alert>
      )}

      {current && (
        <Card withBorder padding="sm" bg="sen.0">
          <Group justify="space-between">
            <Text fw={700} size="lg" data-testid="current-person">
              {current.name}
            </Text>
            <Button size="sm" variant="subtle" onClick={() => setCurrent(null)}>
              {t('vaccination.workflow.nextPerson')}
            </Button>
          </Group>
        </Card>
      )}

      <Tabs value={step} onChange={(x) => setStep((x as Step) ?? 'arrival')} keepMounted={false}>
        <Tabs.List grow>
          {(['arrival', 'screening', 'injection', 'observation', 'adverse'] as const).map((s) => (
            <Tabs.Tab key={s} value={s} fz="lg" py="md">
              {t(`vaccination.workflow.${s}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>

        <Tabs.Panel value="arrival" pt="md">
          <Stack gap="md">
            {!usable && <Alert color="gray">{t('vaccination.sessions.notOpen')}</Alert>}
            <ProblemAlert error={checkIn.error ?? checkInById.error} />
            {usable && (
              <Card withBorder padding="sm">
                <Text fw={600} mb="xs">
                  {t('vaccination.workflow.scanQr')}
                </Text>
                <QrScanner testId="person-qr-upload" busy={checkInById.isPending} onResult={(token) => checkInById.mutate({ personToken: token.trim() })} />
              </Card>
            )}
            <PersonLookup actionLabel={t('vaccination.workflow.checkIn')} onPick={(p) => checkIn.mutate(p)} onPickId={(id) => checkInById.mutate({ personId: id })} />
            <ArrivalsList
              arrivals={arrivals.data?.items ?? []}
              error={arrivals.error}
              onPick={(a) => {
                setCurrent({ id: a.personId, name: a.fullName ?? a.personId });
                setStep('screening');
              }}
            />
          </Stack>
        </Tabs.Panel>

        <Tabs.Panel value="screening" pt="md">
          {current ? (
            <ScreeningForm key={current.id} sessionId={session.id} person={current} onDone={(r) => setCurrent((c) => (c ? { ...c, screening: r } : c))} />
          ) : (
            <PickFirst />
          )}
          {current?.screening && (current.screening.outcome === 'eligible' || current.screening.outcome === 'caution') && (
            <Button mt="md" size="xl" fullWidth onClick={() => setStep('injection')}>
              {t('vaccination.workflow.toInjection')} →
            </Button>
          )}
        </Tabs.Panel>

        <Tabs.Panel value="injection" pt="md">
          {current ? (
            <>
              {current.screening && current.screening.outcome !== 'eligible' && current.screening.outcome !== 'caution' && (
                <Alert color="orange" mb="md">
                  {t('vaccination.injection.screenedOut', { outcome: t(`vaccination.outcome.${current.screening.outcome}`) })}
                </Alert>
              )}
              {!current.screening && (
                <Alert color="yellow" mb="md">
                  {t('vaccination.injection.notScreened')}
                </Alert>
              )}
              <InjectionForm
                key={current.id}
                session={session}
                site={site}
                person={current}
                onDone={(r) => {
                  void queryClient.invalidateQueries({ queryKey: ['vaccination'] });
                  if (r.queued) setCurrent(null);
                  setStep('observation');
                }}
              />
            </>
          ) : (
            <PickFirst />
          )}
        </Tabs.Panel>

        <Tabs.Panel value="observation" pt="md">
          <ObservationBoard sessionId={session.id} />
        </Tabs.Panel>

        <Tabs.Panel value="adverse" pt="md">
          <LateAdverseEvent sessionId={session.id} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function PickFirst() {
  const { t } = useTranslation();
  return <Alert color="gray">{t('vaccination.workflow.pickFirst')}</Alert>;
}

function ArrivalsList({ arrivals, error, onPick }: { arrivals: v.Arrival[]; error: unknown; onPick: (a: v.Arrival) => void }) {
  const { t } = useTranslation();
  if (error) return <ProblemAlert error={error} />;
  if (arrivals.length === 0) return null;
  return (
    <Card withBorder padding={0}>
      <Text fw={600} p="sm">
        {t('vaccination.workflow.arrived', { count: arrivals.length })}
      </Text>
      <Table verticalSpacing="sm">
        <Table.Tbody>
          {[...arrivals].reverse().map((a) => (
            <Table.Tr key={a.id}>
              <Table.Td>{formatDateTime(a.arrivedAt).slice(11, 16)}</Table.Td>
              <Table.Td fw={600}>{a.fullName ?? a.personId}</Table.Td>
              <Table.Td ta="right">
                <Button size="md" variant="light" onClick={() => onPick(a)}>
                  {t('vaccination.workflow.screenThis')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

/** A reaction noticed after the observation ended (or reported later): picks one of the session's doses. */
function LateAdverseEvent({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const board = useQuery({ queryKey: ['vaccination', 'observation', sessionId], queryFn: ({ signal }) => v.observationBoard(sessionId, signal) });
  const [doseId, setDoseId] = useState<string | null>(null);
  const [sent, setSent] = useState(0);
  return (
    <Stack gap="md">
      <ProblemAlert error={board.error} />
      {sent > 0 && <Alert color="green">{t('vaccination.adverse.sent')}</Alert>}
      <Select
        size="lg"
        label={t('vaccination.adverse.dose')}
        data={(board.data?.items ?? []).map((i) => ({ value: i.doseId, label: `${i.fullName} · ${formatDateTime(i.administeredAt).slice(11, 16)}` }))}
        value={doseId}
        onChange={setDoseId}
      />
      {doseId && (
        <AdverseEventForm
          key={`${doseId}-${sent}`}
          onSubmit={(e) => v.recordAdverseEvent({ ...e, doseId })}
          onDone={() => {
            setSent((n) => n + 1);
            setDoseId(null);
          }}
          onCancel={() => setDoseId(null)}
        />
      )}
    </Stack>
  );
}
