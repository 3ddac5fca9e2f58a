import { Alert, Badge, Breadcrumbs, Button, Card, Checkbox, Group, Modal, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { vnToday } from '@sen/domain';
import * as api from '../../api';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { catalogQuery, PageLoader, useVaccineName } from '../../components/vaccination/common';
import { PersonLookup } from '../../components/vaccination/PersonLookup';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatDate, formatNumber } from '../../lib/format';
import { hasScope, useUser } from '../../lib/user';
import { weekdaysLabel } from './SitesPage';
import { DayInput, TimeOfDayInput } from '../../components/vaccination/DayInput';

const route = getRouteApi('/_app/vaccination/sites/$id');

export function SitePage() {
  return (
    <RequireScope scope="vaccination:read">
      <SiteView />
    </RequireScope>
  );
}

function SiteView() {
  const { t } = useTranslation();
  const { id } = route.useParams();
  const site = useQuery({ queryKey: ['vaccination', 'site', id], queryFn: ({ signal }) => v.getSite(id, signal) });
  if (site.isPending) return <PageLoader />;
  if (site.isError) return <ProblemAlert error={site.error} />;
  const s = site.data;
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <AnchorLink to="/vaccination/sites" size="sm">
          {t('vaccination.sites.title')}
        </AnchorLink>
        <Text size="sm">{s.name}</Text>
      </Breadcrumbs>
      <Group>
        <Title order={1} size="h3">
          {s.name}
        </Title>
        <Badge variant="light">{t(`vaccination.siteKind.${s.kind}`)}</Badge>
      </Group>
      <Text size="sm" c="dimmed">
        {s.address ? `${s.address} · ` : ''}
        {s.opensAt}–{s.closesAt} · {weekdaysLabel(s.openingDays, t)} · {t('vaccination.sites.capacityLine', { n: formatNumber(s.capacityPerHour) })}
      </Text>
      <Sessions site={s} />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <StaffCard siteId={s.id} />
        <ShiftsCard siteId={s.id} />
      </SimpleGrid>
    </Stack>
  );
}

function Sessions({ site }: { site: v.Site }) {
  const { t } = useTranslation();
  const user = useUser();
  const vaccineName = useVaccineName();
  const [creating, setCreating] = useState(false);
  const sessions = useQuery({ queryKey: ['vaccination', 'sessions', site.id], queryFn: ({ signal }) => v.listSessions({ siteId: site.id }, signal) });
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Text fw={600}>{t('vaccination.sessions.title')}</Text>
        {hasScope(user, 'vaccination:write') && (
          <Button size="sm" onClick={() => setCreating(true)}>
            + {t('vaccination.sessions.add')}
          </Button>
        )}
      </Group>
      {sessions.isPending ? (
        <PageLoader />
      ) : sessions.isError ? (
        <ProblemAlert error={sessions.error} />
      ) : sessions.data.items.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('vaccination.sessions.empty')}
        </Text>
      ) : (
        <Table verticalSpacing="sm">
          <Table.Tbody>
            {sessions.data.items.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  <AnchorLink to="/vaccination/sessions/$id" params={{ id: s.id }} fw={600}>
                    {formatDate(`${s.date}T00:00:00`)}
                  </AnchorLink>
                </Table.Td>
                <Table.Td>{s.vaccines.map(vaccineName).join(', ')}</Table.Td>
                <Table.Td>
                  <Badge variant="light">{t(`vaccination.sessionStatus.${s.status}`)}</Badge>
                </Table.Td>
                <Table.Td ta="right">{t('vaccination.sessions.counts', { doses: formatNumber(s.doses ?? 0), capacity: formatNumber(s.capacity) })}</Table.Td>
                <Table.Td ta="right">
                  <AnchorLink to="/vaccination/sessions/$id/invitations" params={{ id: s.id }} size="sm">
                    {t('vaccination.invitations.title')}
                  </AnchorLink>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('vaccination.sessions.add')}>
        <SessionForm site={site} onDone={() => setCreating(false)} />
      </Modal>
    </Card>
  );
}

function SessionForm({ site, onDone }: { site: v.Site; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const catalog = useQuery(catalogQuery);
  const [date, setDate] = useState(vnToday());
  const [startsAt, setStartsAt] = useState(site.opensAt);
  const [endsAt, setEndsAt] = useState(site.closesAt);
  const [vaccines, setVaccines] = useState<string[]>([]);
  const [capacity, setCapacity] = useState<number | string>(site.capacityPerHour * 4);
  const create = useMutation({
    mutationFn: () => v.createSession({ siteId: site.id, startsAt: `${date}T${startsAt}`, endsAt: `${date}T${endsAt}`, vaccines, capacity: Number(capacity) }),
    onSuccess: (session) => {
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'sessions'] });
      onDone();
      void navigate({ to: '/vaccination/sessions/$id', params: { id: session.id } });
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
        <DayInput label={t('vaccination.sessions.date')} name="sessionDate" value={date} onChange={setDate} required />
        <Group grow>
          <TimeOfDayInput label={t('vaccination.sites.opensAt')} value={startsAt} onChange={setStartsAt} />
          <TimeOfDayInput label={t('vaccination.sites.closesAt')} value={endsAt} onChange={setEndsAt} />
        </Group>
        <MultiSelect
          label={t('vaccination.sessions.vaccines')}
          name="vaccines"
          data={(catalog.data?.vaccines ?? []).map((x) => ({ value: x.code, label: i18n.language === 'en' ? x.nameEn : x.nameVi }))}
          value={vaccines}
          onChange={setVaccines}
          required
        />
        <NumberInput label={t('vaccination.sessions.capacity')} value={capacity} onChange={setCapacity} min={1} allowDecimal={false} />
        <ProblemAlert error={create.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={!date || vaccines.length === 0} loading={create.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function StaffCard({ siteId }: { siteId: string }) {
  const { t } = useTranslation();
  const user = useUser();
  const queryClient = useQueryClient();
  const staff = useQuery({ queryKey: ['vaccination', 'staff', siteId], queryFn: ({ signal }) => v.listStaff(siteId, signal) });
  const [adding, setAdding] = useState(false);
  const [role, setRole] = useState<string | null>('vaccinator');
  const add = useMutation({
    mutationFn: (p: api.PersonSummary) => v.addStaff(siteId, { personId: p.id, role: (role ?? 'vaccinator') as v.StaffRole }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'staff', siteId] });
      setAdding(false);
    },
  });
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Text fw={600}>{t('vaccination.staff.title')}</Text>
        {hasScope(user, 'vaccination:write') && (
          <Button size="sm" variant="default" onClick={() => setAdding(true)}>
            + {t('vaccination.staff.add')}
          </Button>
        )}
      </Group>
      {staff.isPending ? (
        <PageLoader />
      ) : staff.isError ? (
        <ProblemAlert error={staff.error} />
      ) : staff.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('vaccination.staff.empty')}
        </Text>
      ) : (
        <Table>
          <Table.Tbody>
            {staff.data.items.map((m) => (
              <Table.Tr key={m.personId} opacity={m.active ? 1 : 0.5}>
                <Table.Td>{m.fullName}</Table.Td>
                <Table.Td>{t(`vaccination.staffRole.${m.role}`)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={adding} onClose={() => setAdding(false)} title={t('vaccination.staff.add')} size="lg">
        <Stack>
          <Select label={t('vaccination.staff.role')} data={v.STAFF_ROLES.map((r) => ({ value: r, label: t(`vaccination.staffRole.${r}`) }))} value={role} onChange={setRole} />
          <ProblemAlert error={add.error} />
          <PersonLookup size="md" actionLabel={t('vaccination.staff.addThis')} onPick={(p) => add.mutate(p)} />
        </Stack>
      </Modal>
    </Card>
  );
}

function ShiftsCard({ siteId }: { siteId: string }) {
  const { t } = useTranslation();
  const user = useUser();
  const today = vnToday();
  const shifts = useQuery({ queryKey: ['vaccination', 'shifts', siteId], queryFn: ({ signal }) => v.listShifts(siteId, { from: today }, signal) });
  const [creating, setCreating] = useState(false);
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Text fw={600}>{t('vaccination.shifts.title')}</Text>
        {hasScope(user, 'vaccination:write') && (
          <Button size="sm" variant="default" onClick={() => setCreating(true)}>
            + {t('vaccination.shifts.add')}
          </Button>
        )}
      </Group>
      {shifts.isPending ? (
        <PageLoader />
      ) : shifts.isError ? (
        <ProblemAlert error={shifts.error} />
      ) : shifts.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('vaccination.shifts.empty')}
        </Text>
      ) : (
        <Stack gap="xs">
          {shifts.data.items.map((s) => (
            <Card key={s.id} withBorder padding="xs">
              <Group justify="space-between">
                <Text fw={600} size="sm">
                  {formatDate(`${s.date}T00:00:00`)} {s.localStart.slice(11)}–{s.localEnd.slice(11)}
                </Text>
                {s.complete ? (
                  <Badge color="green" variant="light">
                    {t('vaccination.shifts.complete')}
                  </Badge>
                ) : (
                  <Badge color="orange" variant="light">
                    {t('vaccination.shifts.missing', { roles: s.missing.map((r) => t(`vaccination.staffRole.${r}`)).join(', ') })}
                  </Badge>
                )}
              </Group>
              <Text size="sm">{s.members.map((m) => `${m.fullName} (${t(`vaccination.staffRole.${m.role}`)})`).join(' · ') || '—'}</Text>
            </Card>
          ))}
        </Stack>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('vaccination.shifts.add')} size="lg">
        <ShiftForm siteId={siteId} onDone={() => setCreating(false)} />
      </Modal>
    </Card>
  );
}

function ShiftForm({ siteId, onDone }: { siteId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const staff = useQuery({ queryKey: ['vaccination', 'staff', siteId], queryFn: ({ signal }) => v.listStaff(siteId, signal) });
  const [date, setDate] = useState(vnToday());
  const [from, setFrom] = useState('07:30');
  const [to, setTo] = useState('11:30');
  const [members, setMembers] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () => v.createShift(siteId, { startsAt: `${date}T${from}`, endsAt: `${date}T${to}`, members: members.map((personId) => ({ personId })) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'shifts'] });
      onDone();
    },
  });
  const conflict = api.isApiError(create.error) && create.error.code === 'shift_conflict' ? create.error : null;
  const conflictName = conflict ? staff.data?.items.find((m) => m.personId === conflict.body.personId)?.fullName : undefined;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Stack gap="sm">
        <DayInput label={t('vaccination.sessions.date')} value={date} onChange={setDate} required />
        <Group grow>
          <TimeOfDayInput label={t('vaccination.shifts.from')} value={from} onChange={setFrom} />
          <TimeOfDayInput label={t('vaccination.shifts.to')} value={to} onChange={setTo} />
        </Group>
        <Checkbox.Group label={t('vaccination.shifts.team')} value={members} onChange={setMembers}>
          <Stack gap={6} mt={4}>
            {(staff.data?.items ?? [])
              .filter((m) => m.active)
              .map((m) => (
                <Checkbox key={m.personId} value={m.personId} label={`${m.fullName} · ${t(`vaccination.staffRole.${m.role}`)}`} />
              ))}
          </Stack>
        </Checkbox.Group>
        {conflict ? (
          <Alert color="orange" title={t('vaccination.shifts.conflictTitle')} role="alert">
            {t('vaccination.shifts.conflictText', { name: conflictName ?? '—' })}
          </Alert>
        ) : (
          <ProblemAlert error={create.error} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
