import { Alert, Badge, Breadcrumbs, Button, Card, Group, List, Modal, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { vnToday } from '@sen/domain';
import { isApiError } from '../../api';
import { AreaPicker } from '../../components/AreaPicker';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { catalogQuery, PageLoader, useVaccineName } from '../../components/vaccination/common';
import { DayInput } from '../../components/vaccination/DayInput';
import { MovementForm } from '../../components/vaccination/MovementForm';
import { PagedTable } from '../../components/vaccination/PagedTable';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatDate, formatDay, formatNumber } from '../../lib/format';
import { hasScope, holdsAboveCommune, useUser } from '../../lib/user';

const PAGE = 50;
const plansKey = ['vaccination', 'allocation-plans'];
const STATUS_COLOURS: Record<v.PlanStatus, string> = { proposed: 'yellow', approved: 'green', superseded: 'gray' };
type StatusFilter = v.PlanStatus | 'all';

const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Allocation plans of the jurisdiction: propose one for an area's children, store it, and list the plans with their status. */
export function AllocationPlansPage() {
  return (
    <RequireScope scope="vaccination:read">
      <AllocationPlans />
    </RequireScope>
  );
}

function AllocationPlans() {
  const { t } = useTranslation();
  const vaccineName = useVaccineName();
  const [status, setStatus] = useState<StatusFilter>('all');
  const [offset, setOffset] = useState(0);
  const query = { ...(status !== 'all' ? { status } : {}), limit: PAGE, offset };
  const plans = useQuery({ queryKey: [...plansKey, query], queryFn: ({ signal }) => v.listAllocationPlans(query, signal), placeholderData: keepPreviousData });
  return (
    <Stack gap="md">
      <Title order={1} size="h3">
        {t('vaccination.plans.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('vaccination.plans.intro')}
      </Text>
      <ProposalCard />
      <Card withBorder padding={0}>
        <Group justify="space-between" p="sm">
          <Text fw={600}>{t('vaccination.plans.list')}</Text>
          <SegmentedControl
            size="xs"
            value={status}
            onChange={(x) => {
              setStatus(x as StatusFilter);
              setOffset(0);
            }}
            data={(['all', 'proposed', 'approved', 'superseded'] as const).map((x) => ({ value: x, label: t(`vaccination.plans.status.${x}`) }))}
          />
        </Group>
        <PagedTable
          query={plans}
          testId="allocation-plans"
          minWidth={900}
          empty={t('vaccination.plans.empty')}
          columns={[
            { label: t('vaccination.plans.area') },
            { label: t('vaccination.vaccine') },
            { label: t('vaccination.plans.period') },
            { label: t('vaccination.plans.targetGroup') },
            { label: t('vaccination.plans.goal'), align: 'right' },
            { label: t('vaccination.plans.dosesToAllocate'), align: 'right' },
            { label: t('vaccination.plans.statusLabel') },
            { label: t('vaccination.plans.created') },
          ]}
          row={(p) => (
            <Table.Tr key={p.id}>
              <Table.Td>
                <AnchorLink to="/vaccination/allocation-plans/$id" params={{ id: p.id! }} fw={600}>
                  {p.areaName}
                </AnchorLink>
              </Table.Td>
              <Table.Td>{vaccineName(p.vaccineCode)}</Table.Td>
              <Table.Td>
                {formatDay(p.periodFrom)} – {formatDay(p.periodTo)}
              </Table.Td>
              <Table.Td>{t(`vaccination.plans.group.${p.targetGroup}`)}</Table.Td>
              <Table.Td ta="right">{formatNumber(p.coverageGoalPct)}%</Table.Td>
              <Table.Td ta="right">{formatNumber(p.dosesToAllocate)}</Table.Td>
              <Table.Td>{p.status && <StatusBadge status={p.status} />}</Table.Td>
              <Table.Td>{formatDate(p.createdAt)}</Table.Td>
            </Table.Tr>
          )}
          paging={{ offset, pageSize: PAGE, onPage: setOffset }}
        />
      </Card>
    </Stack>
  );
}

function StatusBadge({ status }: { status: v.PlanStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOURS[status]} variant="light" data-testid="plan-status">
      {t(`vaccination.plans.status.${status}`)}
    </Badge>
  );
}

/** The form: the plan is computed on the server ("propose" stores nothing); storing it computes it again. */
function ProposalCard() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const catalog = useQuery(catalogQuery);
  const today = vnToday();
  const [areaCode, setAreaCode] = useState<string | null>(() => user.roles.find((r) => !/^\d{5}$/.test(r.areaCode))?.areaCode ?? null);
  const [vaccineCode, setVaccineCode] = useState<string | null>(null);
  const [periodFrom, setPeriodFrom] = useState(today);
  const [periodTo, setPeriodTo] = useState(() => addDays(today, 30));
  const [goal, setGoal] = useState<number | string>(70);
  const [targetGroup, setTargetGroup] = useState<v.TargetGroup>('adults');
  const [dosesAvailable, setDosesAvailable] = useState<number | string>('');
  const [note, setNote] = useState('');
  const input = (): v.AllocationPlanInput => ({
    areaCode: areaCode!,
    vaccineCode: vaccineCode!,
    periodFrom,
    periodTo,
    coverageGoalPct: Number(goal),
    targetGroup,
    ...(dosesAvailable !== '' ? { dosesAvailable: Number(dosesAvailable) } : {}),
    ...(note.trim() ? { note: note.trim() } : {}),
  });
  const propose = useMutation({ mutationFn: () => v.proposeAllocationPlan(input()) });
  const store = useMutation({
    mutationFn: () => v.createAllocationPlan(input()),
    onSuccess: (plan) => {
      void queryClient.invalidateQueries({ queryKey: plansKey });
      void navigate({ to: '/vaccination/allocation-plans/$id', params: { id: plan.id! } });
    },
  });
  const valid = !!areaCode && !!vaccineCode && !!periodFrom && !!periodTo && goal !== '' && Number(goal) > 0 && Number(goal) <= 100;
  const canPlan = holdsAboveCommune(user, 'vaccination:read');
  if (!canPlan) return null;
  const failed = store.error ?? propose.error;
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        {t('vaccination.plans.propose')}
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          store.reset();
          if (valid) propose.mutate();
        }}
      >
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <AreaPicker label={t('vaccination.plans.area')} description={t('vaccination.plans.areaHelp')} name="planArea" value={areaCode} onChange={(c) => setAreaCode(c)} required />
            <Select
              label={t('vaccination.vaccine')}
              data={(catalog.data?.vaccines ?? []).map((x) => ({ value: x.code, label: i18n.language === 'en' ? x.nameEn : x.nameVi }))}
              value={vaccineCode}
              onChange={setVaccineCode}
              required
            />
            <DayInput label={t('vaccination.plans.periodFrom')} name="periodFrom" value={periodFrom} onChange={setPeriodFrom} required />
            <DayInput label={t('vaccination.plans.periodTo')} name="periodTo" value={periodTo} onChange={setPeriodTo} required />
            <NumberInput label={t('vaccination.plans.goal')} name="coverageGoalPct" value={goal} onChange={setGoal} min={0.01} max={100} decimalScale={2} decimalSeparator="," suffix=" %" required />
            <Select
              label={t('vaccination.plans.targetGroup')}
              data={v.TARGET_GROUPS.map((g) => ({ value: g, label: t(`vaccination.plans.group.${g}`) }))}
              value={targetGroup}
              onChange={(x) => x && setTargetGroup(x as v.TargetGroup)}
              allowDeselect={false}
              required
            />
            <NumberInput
              label={t('vaccination.plans.dosesAvailable')}
              description={t('vaccination.plans.dosesAvailableHelp')}
              name="dosesAvailable"
              value={dosesAvailable}
              onChange={setDosesAvailable}
              min={0}
              allowDecimal={false}
              thousandSeparator="."
              decimalSeparator=","
            />
            <TextInput label={t('vaccination.movement.note')} name="planNote" value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} />
          </SimpleGrid>
          {failed && (
            <ProblemAlert error={failed}>
              <MissingPopulations error={failed} />
            </ProblemAlert>
          )}
          <Group justify="flex-end">
            <Button type="submit" variant={propose.data ? 'default' : 'filled'} disabled={!valid} loading={propose.isPending}>
              {t('vaccination.plans.compute')}
            </Button>
          </Group>
        </Stack>
      </form>
      {propose.data && (
        <Stack gap="sm" mt="md" data-testid="plan-proposal">
          <PlanSummary plan={propose.data} />
          <PlanLines plan={propose.data} />
          {hasScope(user, 'vaccination:write') && (
            <Group justify="flex-end">
              <Button onClick={() => store.mutate()} loading={store.isPending} disabled={!valid}>
                {t('vaccination.plans.store')}
              </Button>
            </Group>
          )}
        </Stack>
      )}
    </Card>
  );
}

/** 409 target_population_missing names the child areas whose target population is still unknown. */
function MissingPopulations({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!isApiError(error) || error.code !== 'target_population_missing' || !Array.isArray(error.body.areas)) return null;
  const areas = error.body.areas.map(String);
  return (
    <>
      <Text size="sm" mt={4}>
        {t('vaccination.plans.missingPopulation', { count: areas.length })}
      </Text>
      <List size="sm">
        {areas.slice(0, 20).map((code) => (
          <List.Item key={code}>{code}</List.Item>
        ))}
      </List>
    </>
  );
}

function PlanSummary({ plan }: { plan: v.AllocationPlan }) {
  const { t } = useTranslation();
  const vaccineName = useVaccineName();
  return (
    <Text size="sm">
      {t('vaccination.plans.summary', {
        area: plan.areaName,
        vaccine: vaccineName(plan.vaccineCode),
        group: t(`vaccination.plans.group.${plan.targetGroup}`),
        goal: formatNumber(plan.coverageGoalPct),
        series: plan.seriesDoses,
        from: formatDay(plan.periodFrom),
        to: formatDay(plan.periodTo),
      })}
      {plan.dosesAvailable !== null && ` ${t('vaccination.plans.capped', { n: formatNumber(plan.dosesAvailable) })}`}
    </Text>
  );
}

/** One row per child area, under the totals of the plan's area (kept in view while scrolling); an approved plan's rows can be allocated from a store. */
function PlanLines({ plan, onAllocate }: { plan: v.AllocationPlan; onAllocate?: (line: v.PlanLine) => void }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={760} maxHeight={520}>
      <Table striped stickyHeader data-testid="plan-lines">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('vaccination.plans.area')}</Table.Th>
            <Table.Th ta="right">{t(`vaccination.plans.population.${plan.targetGroup}`)}</Table.Th>
            <Table.Th ta="right">{t('vaccination.plans.dosesGiven')}</Table.Th>
            <Table.Th ta="right">{t('vaccination.plans.dosesNeeded')}</Table.Th>
            <Table.Th ta="right">{t('vaccination.plans.dosesToAllocate')}</Table.Th>
            {onAllocate && <Table.Th />}
          </Table.Tr>
          <Table.Tr fw={700} bg="gray.0" data-testid="plan-totals">
            <Table.Td>{t('vaccination.plans.total', { area: plan.areaName })}</Table.Td>
            <Table.Td ta="right">{formatNumber(plan.targetPopulation)}</Table.Td>
            <Table.Td ta="right">{formatNumber(plan.dosesGiven)}</Table.Td>
            <Table.Td ta="right">{formatNumber(plan.dosesNeeded)}</Table.Td>
            <Table.Td ta="right">{formatNumber(plan.dosesToAllocate)}</Table.Td>
            {onAllocate && <Table.Td />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {plan.lines.map((l) => (
            <Table.Tr key={l.areaCode}>
              <Table.Td>{l.areaName}</Table.Td>
              <Table.Td ta="right">{formatNumber(l.targetPopulation)}</Table.Td>
              <Table.Td ta="right">{formatNumber(l.dosesGiven)}</Table.Td>
              <Table.Td ta="right">{formatNumber(l.dosesNeeded)}</Table.Td>
              <Table.Td ta="right" fw={600}>
                {formatNumber(l.dosesToAllocate)}
              </Table.Td>
              {onAllocate && (
                <Table.Td ta="right">
                  <Button size="compact-xs" variant="subtle" disabled={l.dosesToAllocate === 0} onClick={() => onAllocate(l)} aria-label={t('vaccination.plans.allocateTo', { area: l.areaName })}>
                    {t('vaccination.movement.allocate')}
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const planRoute = getRouteApi('/_app/vaccination/allocation-plans/$id');

/** One stored plan: approve it, then allocate each child area's share from a store of the plan's area. */
export function AllocationPlanPage() {
  return (
    <RequireScope scope="vaccination:read">
      <AllocationPlanDetail />
    </RequireScope>
  );
}

function AllocationPlanDetail() {
  const { t } = useTranslation();
  const user = useUser();
  const { id } = planRoute.useParams();
  const queryClient = useQueryClient();
  const plan = useQuery({ queryKey: [...plansKey, 'one', id], queryFn: ({ signal }) => v.getAllocationPlan(id, signal) });
  const approve = useMutation({
    mutationFn: () => v.approveAllocationPlan(id),
    onSuccess: (p) => {
      queryClient.setQueryData([...plansKey, 'one', id], p);
      void queryClient.invalidateQueries({ queryKey: plansKey });
    },
  });
  const [allocating, setAllocating] = useState<v.PlanLine | null>(null);
  const [allocated, setAllocated] = useState<{ area: string; doses: number; store: string; release: boolean } | null>(null);
  if (plan.isPending) return <PageLoader />;
  if (plan.isError) return <ProblemAlert error={plan.error} />;
  const p = plan.data;
  const canWrite = hasScope(user, 'vaccination:write');
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <AnchorLink to="/vaccination/allocation-plans" size="sm">
          {t('vaccination.plans.title')}
        </AnchorLink>
        <Text size="sm">{p.areaName}</Text>
      </Breadcrumbs>
      <Group>
        <Title order={1} size="h3">
          {t('vaccination.plans.planTitle', { area: p.areaName })}
        </Title>
        {p.status && <StatusBadge status={p.status} />}
      </Group>
      <Card withBorder>
        <Stack gap="xs">
          <PlanSummary plan={p} />
          <Text size="sm" c="dimmed">
            {t('vaccination.plans.createdOn', { date: formatDate(p.createdAt) })}
            {p.approvedAt ? ` · ${t('vaccination.plans.approvedOn', { date: formatDate(p.approvedAt) })}` : ''}
            {p.note ? ` · ${p.note}` : ''}
          </Text>
          <ProblemAlert error={approve.error} />
          {canWrite && p.status === 'proposed' && (
            <Group>
              <Button onClick={() => approve.mutate()} loading={approve.isPending}>
                {t('vaccination.plans.approve')}
              </Button>
              <Text size="sm" c="dimmed">
                {t('vaccination.plans.approveHelp')}
              </Text>
            </Group>
          )}
          {p.status === 'approved' && canWrite && (
            <Text size="sm" c="dimmed">
              {t('vaccination.plans.allocateHelp')}
            </Text>
          )}
        </Stack>
      </Card>
      {allocated && (
        <Alert color="green" variant="light" withCloseButton onClose={() => setAllocated(null)} data-testid="allocation-done">
          {t(allocated.release ? 'vaccination.plans.released' : 'vaccination.plans.allocated', { n: formatNumber(allocated.doses), store: allocated.store, area: allocated.area })}
        </Alert>
      )}
      <Card withBorder padding={0}>
        <PlanLines plan={p} {...(p.status === 'approved' && canWrite ? { onAllocate: setAllocating } : {})} />
      </Card>
      <Modal opened={allocating !== null} onClose={() => setAllocating(null)} title={allocating ? t('vaccination.plans.allocateTo', { area: allocating.areaName }) : ''} size="lg">
        {allocating && <AllocateLine plan={p} line={allocating} onDone={() => setAllocating(null)} onAllocated={(doses, store, release) => setAllocated({ area: allocating.areaName, doses, store, release })} />}
      </Modal>
    </Stack>
  );
}

/**
 * Reserves doses of a lot in a store of the plan's area for a store of the child area (the allocate movement): the
 * stock form, opened on the plan's vaccine, the child's store and its share (no more than the lot has free).
 */
function AllocateLine({ plan, line, onDone, onAllocated }: { plan: v.AllocationPlan; line: v.PlanLine; onDone: () => void; onAllocated: (doses: number, store: string, release: boolean) => void }) {
  const { t } = useTranslation();
  const sources = useQuery({ queryKey: ['vaccination', 'stores', 'in', plan.areaCode], queryFn: ({ signal }) => v.listStores({ area: plan.areaCode, limit: 500 }, signal) });
  const targets = useQuery({ queryKey: ['vaccination', 'stores', 'in', line.areaCode], queryFn: ({ signal }) => v.listStores({ area: line.areaCode, limit: 500 }, signal) });
  const own = (sources.data?.items ?? []).filter((s) => s.areaCode === plan.areaCode);
  const [sourceId, setSourceId] = useState<string | null>(null);
  const source = sourceId ?? own[0]?.id ?? null;
  const stock = useQuery({ queryKey: ['vaccination', 'stock', source], queryFn: ({ signal }) => v.getStock(source!, signal), enabled: !!source });
  if (sources.isPending || targets.isPending) return <PageLoader />;
  if (sources.isError || targets.isError) return <ProblemAlert error={sources.error ?? targets.error} />;
  // The child area's own store first (a commune's store before its sites').
  const level = (s: v.Store) => v.STORE_LEVELS.indexOf(s.level);
  const destinations = [...targets.data.items].sort((a, b) => level(a) - level(b) || a.name.localeCompare(b.name));
  if (own.length === 0) return <Text size="sm">{t('vaccination.plans.noSourceStore', { area: plan.areaName })}</Text>;
  if (destinations.length === 0) return <Text size="sm">{t('vaccination.plans.noTargetStore', { area: line.areaName })}</Text>;
  const lot = stock.data?.items.find((i) => i.vaccineCode === plan.vaccineCode && !i.recalled && !i.expired && i.available > 0);
  return (
    <Stack gap="sm">
      <Select
        label={t('vaccination.plans.fromStore')}
        data={own.map((s) => ({ value: s.id, label: s.name }))}
        value={source}
        onChange={setSourceId}
        allowDeselect={false}
      />
      <Text size="sm" c="dimmed">
        {t('vaccination.plans.lineShare', { area: line.areaName, n: formatNumber(line.dosesToAllocate) })}
      </Text>
      {stock.isPending ? (
        <PageLoader />
      ) : stock.isError ? (
        <ProblemAlert error={stock.error} />
      ) : (
        <>
          {!lot && <Text size="sm">{t('vaccination.plans.noFreeLot')}</Text>}
          <MovementForm
            key={source}
            store={stock.data}
            stores={destinations}
            preset={{
              kind: 'allocate',
              toStoreId: destinations[0]!.id,
              ...(lot ? { lotId: lot.lotId } : {}),
              doses: Math.min(line.dosesToAllocate, lot?.available ?? line.dosesToAllocate),
              note: t('vaccination.plans.allocationNote', { area: plan.areaName, from: formatDay(plan.periodFrom), to: formatDay(plan.periodTo) }),
            }}
            onDone={onDone}
            onMoved={(m) => onAllocated(Math.abs(m.event.reservedChange), destinations.find((s) => s.id === m.event.forStoreId)?.name ?? '', m.event.reservedChange < 0)}
          />
        </>
      )}
    </Stack>
  );
}
