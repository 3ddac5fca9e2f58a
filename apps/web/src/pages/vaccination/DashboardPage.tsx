import { Anchor, Box, Card, Group, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { vnToday } from '@sen/domain';
import { AreaPicker } from '../../components/AreaPicker';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { catalogQuery, PageLoader, Pager, useVaccineName } from '../../components/vaccination/common';
import { compareDoseKeys, daySeries, doseKey } from '../../components/vaccination/daySeries';
import { EChart, type ChartOption } from '../../components/vaccination/EChart';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatDate, formatNumber } from '../../lib/format';
import { DayInput } from '../../components/vaccination/DayInput';

const CoverageMap = lazy(() => import('../../components/vaccination/CoverageMap'));

const SEN_RED = '#9b1c1c';
const SEN_GOLD = '#d69e2e';

export function DashboardPage() {
  return (
    <RequireScope scope="reports:read">
      <Dashboard />
    </RequireScope>
  );
}

function daysAgo(n: number): string {
  const today = vnToday();
  return new Date(new Date(`${today}T00:00:00Z`).getTime() - n * 86_400_000).toISOString().slice(0, 10);
}

const pctText = (p: number | null) => (p === null ? '—' : `${formatNumber(p)}%`);

/**
 * The coverage cards: shares of the target populations (adults 18+, over-50s), each with the people counted and,
 * beside it, the all-ages count of the same stage (over-50s: their share with at least one dose instead).
 */
function coverageStats(c: v.CoverageFigures) {
  return [
    { testId: 'adult-coverage', label: 'reports.adultsAtLeastOne', pct: c.adults18PlusAtLeastOneDosePct, people: c.adults18PlusAtLeastOneDose, population: c.population18Plus, allAges: c.atLeastOneDose },
    { testId: 'adult-full-series', label: 'reports.adultsFullSeries', pct: c.adults18PlusFullSeriesPct, people: c.adults18PlusFullSeries, population: c.population18Plus, allAges: c.fullSeries },
    { testId: 'adult-booster', label: 'reports.adultsBooster', pct: c.adults18PlusBoosterPct, people: c.adults18PlusBooster, population: c.population18Plus, allAges: c.booster },
    { testId: 'over50-full-series', label: 'reports.over50FullSeries', pct: c.over50FullSeriesPct, people: c.over50FullSeries, population: c.population50Plus, allAges: null },
  ];
}

function Dashboard() {
  const { t, i18n } = useTranslation();
  const vaccineName = useVaccineName();
  const catalog = useQuery(catalogQuery);
  const [from, setFrom] = useState(() => daysAgo(29));
  const [to, setTo] = useState(() => vnToday());
  const [area, setArea] = useState<string | null>(null);
  const [vaccine, setVaccine] = useState<string | null>(null);
  const filter: v.ReportFilter = { from, to, ...(area ? { area } : {}), ...(vaccine ? { vaccine } : {}) };
  const dashboard = useQuery({
    queryKey: ['reports', 'dashboard', filter],
    queryFn: ({ signal }) => v.getDashboard(filter, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });

  const d = dashboard.data;
  // The map is of provinces: it shows when the areas below the selection are provinces (the whole country).
  const showMap = !!d && (d.areas.some((a) => a.code === 'VN') || d.coverageByArea.some((c) => /^\d{2}$/.test(c.areaCode)));
  // Coloured by the share of adults (18+) with at least one dose: the target population, not every age.
  const mapCoverage = useMemo(
    () =>
      (d?.coverageByArea ?? []).map((c) => ({
        code: c.areaCode,
        pct: c.adults18PlusAtLeastOneDosePct,
        label: t('reports.mapLabel', { area: c.area ?? c.areaCode, pct: pctText(c.adults18PlusAtLeastOneDosePct), n: formatNumber(c.atLeastOneDose) }),
      })),
    [d, t],
  );
  const byVaccine: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 120, right: 24, top: 8, bottom: 24 },
      xAxis: { type: 'value', axisLabel: { formatter: (n: number) => formatNumber(n) } },
      yAxis: { type: 'category', inverse: true, data: (d?.dosesByVaccine ?? []).map((x) => vaccineName(x.vaccine)) },
      series: [{ type: 'bar', color: SEN_RED, data: (d?.dosesByVaccine ?? []).map((x) => x.doses) }],
    }),
    [d, vaccineName],
  );

  return (
    <Stack gap="md">
      <Title order={1} size="h3">
        {t('reports.title')}
      </Title>
      <Card withBorder padding="sm">
        <Group align="flex-end" wrap="wrap">
          <DayInput label={t('reports.from')} value={from} onChange={(d) => d && setFrom(d)} />
          <DayInput label={t('reports.to')} value={to} onChange={(d) => d && setTo(d)} />
          <Box miw={280}>
            <AreaPicker label={t('reports.area')} value={area} onChange={(c) => setArea(c)} />
          </Box>
          <Select
            label={t('vaccination.vaccine')}
            placeholder={t('reports.allVaccines')}
            clearable
            data={(catalog.data?.vaccines ?? []).map((x) => ({ value: x.code, label: i18n.language === 'en' ? x.nameEn : x.nameVi }))}
            value={vaccine}
            onChange={setVaccine}
          />
        </Group>
      </Card>
      {dashboard.isPending ? (
        <PageLoader />
      ) : dashboard.isError ? (
        <ProblemAlert error={dashboard.error} />
      ) : (
        d && (
          <>
            <SimpleGrid cols={{ base: 2, sm: 3, lg: 4 }}>
              <Stat testId="total-doses" label={t('reports.doses')} value={formatNumber(d.totals.doses)} />
              {coverageStats(d.totals).map((c) => (
                <Stat
                  key={c.testId}
                  testId={c.testId}
                  label={t(c.label)}
                  value={pctText(c.pct)}
                  sub={t('reports.ofPopulation', { n: formatNumber(c.people), of: formatNumber(c.population) })}
                  note={c.allAges === null ? t('reports.over50AtLeastOne', { pct: pctText(d.totals.over50AtLeastOneDosePct) }) : t('reports.allAges', { n: formatNumber(c.allAges) })}
                />
              ))}
              <Stat label={t('reports.notEligible')} value={formatNumber(d.totals.notEligible)} />
              <Stat label={t('reports.adverseEvents')} value={formatNumber(d.totals.adverseEvents)} note={t('reports.serious', { n: formatNumber(d.totals.seriousAdverseEvents) })} />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, lg: 2 }}>
              <DosesPerDayCard filter={filter} byKind={d.dosesByDay} />
              <Card withBorder>
                <ChartHeader title={t('reports.dosesByVaccine')} csv={v.reportCsvUrl('doses', { ...filter, by: 'vaccine' })} />
                <EChart option={byVaccine} label={t('reports.dosesByVaccine')} />
              </Card>
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, lg: showMap ? 2 : 1 }}>
              {showMap && (
                <Card withBorder>
                  <ChartHeader title={t('reports.map')} />
                  <Box h={440}>
                    <Suspense fallback={<PageLoader />}>
                      <CoverageMap coverage={mapCoverage} />
                    </Suspense>
                  </Box>
                </Card>
              )}
              <ReportCard name="coverage" filter={filter} />
            </SimpleGrid>
            <DeferralsCard filter={filter} />
            <ReportCard name="adverse-events" filter={filter} />
            <SeriousEventsCard filter={filter} />
            <ReportCard name="stock" filter={filter} />
            <ReportCard name="attendance" filter={filter} />
          </>
        )
      )}
    </Stack>
  );
}

function Stat({ label, value, sub, note, testId }: { label: string; value: string; sub?: string; note?: string; testId?: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
      {sub && (
        <Text size="sm" c="dimmed">
          {sub}
        </Text>
      )}
      {note && (
        <Text size="sm" c="dimmed">
          {note}
        </Text>
      )}
    </Card>
  );
}

function ChartHeader({ title, csv, csvLabel, children }: { title: string; csv?: string; csvLabel?: string; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Group justify="space-between" mb="xs">
      <Text fw={600}>{title}</Text>
      <Group gap="sm">
        {children}
        {csv && (
          <Anchor href={csv} size="sm" download>
            {csvLabel ?? t('reports.csv')}
          </Anchor>
        )}
      </Group>
    </Group>
  );
}

/**
 * Doses per day, stacked by dose kind (the dashboard's own figures) or, from the doses report split by a dimension,
 * by vaccine or by dose (first, second, booster…).
 */
function DosesPerDayCard({ filter, byKind }: { filter: v.ReportFilter; byKind: v.Dashboard['dosesByDay'] }) {
  const { t } = useTranslation();
  const vaccineName = useVaccineName();
  const [split, setSplit] = useState<v.DoseSplit>('kind');
  const query: v.DosesQuery = { ...filter, by: 'day', ...(split === 'kind' ? {} : { split }) };
  const report = useQuery({
    queryKey: ['reports', 'doses', query],
    queryFn: ({ signal }) => v.getDosesReport(query, signal),
    enabled: split !== 'kind',
    refetchInterval: 15_000,
  });
  const option = useMemo((): ChartOption | null => {
    const axis = (days: string[]) => ({ type: 'category' as const, data: days.map((day) => formatDate(`${day}T00:00:00`).slice(0, 5)) });
    const base: ChartOption = { tooltip: { trigger: 'axis' }, grid: { left: 48, right: 16, top: 36, bottom: 40 }, yAxis: { type: 'value', axisLabel: { formatter: (n: number) => formatNumber(n) } }, dataZoom: [{ type: 'inside' }] };
    if (split === 'kind') {
      return {
        ...base,
        legend: { top: 0, data: [t('reports.primary'), t('reports.booster')] },
        xAxis: axis(byKind.map((x) => x.day)),
        series: [
          { name: t('reports.primary'), type: 'bar', stack: 'doses', color: SEN_RED, data: byKind.map((x) => x.primary) },
          { name: t('reports.booster'), type: 'bar', stack: 'doses', color: SEN_GOLD, data: byKind.map((x) => x.booster) },
        ],
      };
    }
    if (!report.data) return null;
    const { days, series } = split === 'vaccine' ? daySeries(report.data.rows, (r) => String(r.vaccine)) : daySeries(report.data.rows, doseKey, compareDoseKeys);
    const name = (key: string) => {
      if (split === 'vaccine') return vaccineName(key);
      const [kind, n] = key.split(':');
      return t(`vaccination.doseKind.${kind}`, { n });
    };
    return {
      ...base,
      legend: { top: 0, type: 'scroll', data: series.map((x) => name(x.key)) },
      xAxis: axis(days),
      series: series.map((x) => ({ name: name(x.key), type: 'bar', stack: 'doses', data: x.data })),
    };
  }, [split, byKind, report.data, t, vaccineName]);
  return (
    <Card withBorder>
      <ChartHeader title={t('reports.dosesPerDay')} csv={v.reportCsvUrl('doses', query)}>
        <SegmentedControl
          size="xs"
          aria-label={t('reports.splitBy')}
          value={split}
          onChange={(x) => setSplit(x as v.DoseSplit)}
          data={v.DOSE_SPLITS.map((x) => ({ value: x, label: t(`reports.split.${x}`) }))}
        />
      </ChartHeader>
      {report.isError ? <ProblemAlert error={report.error} /> : option ? <EChart option={option} label={t('reports.dosesPerDay')} /> : <PageLoader />}
    </Card>
  );
}

function cellText(value: v.Cell): string {
  if (value === null) return '—';
  if (typeof value === 'number') return formatNumber(value);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(`${value}T00:00:00`) : value;
}

/** Any report table as the server names its columns, with its CSV link. */
function ReportCard({ name, filter }: { name: v.ReportName; filter: v.ReportFilter }) {
  const { t } = useTranslation();
  const report = useQuery({ queryKey: ['reports', name, filter], queryFn: ({ signal }) => v.getReport(name, filter, signal), placeholderData: keepPreviousData });
  return <ReportTableCard title={t(`reports.table.${name}`)} csv={v.reportCsvUrl(name, filter)} report={report} />;
}

const SERIOUS_PAGE = 50;
const SERIOUS_CSV = 500;

/** The serious adverse events of the selection, newest first, a page at a time (no names); the CSV holds up to 500 from this page on. */
function SeriousEventsCard({ filter }: { filter: v.ReportFilter }) {
  const { t } = useTranslation();
  const [paged, setPaged] = useState<{ filter: v.ReportFilter; offset: number }>({ filter, offset: 0 });
  // A new selection starts again at the first page.
  const offset = JSON.stringify(paged.filter) === JSON.stringify(filter) ? paged.offset : 0;
  const query = { ...filter, limit: SERIOUS_PAGE, offset };
  const report = useQuery({ queryKey: ['reports', 'adverse-events', 'serious', query], queryFn: ({ signal }) => v.getSeriousAdverseEvents(query, signal), placeholderData: keepPreviousData });
  return (
    <ReportTableCard
      title={t('reports.table.serious')}
      csv={v.reportCsvUrl('adverse-events/serious', { ...filter, limit: SERIOUS_CSV, offset })}
      csvLabel={t('reports.seriousCsv', { n: formatNumber(SERIOUS_CSV) })}
      report={report}
      testId="serious-adverse-events"
      footer={report.data && <Pager offset={offset} count={report.data.rows.length} hasMore={report.data.hasMore} pageSize={SERIOUS_PAGE} onPage={(o) => setPaged({ filter, offset: o })} />}
    />
  );
}

function ReportTableCard({ title, csv, csvLabel, report, testId, footer }: { title: string; csv: string; csvLabel?: string; report: UseQueryResult<v.ReportTable>; testId?: string; footer?: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <Card withBorder padding={0}>
      <Box p="sm">
        <ChartHeader title={title} csv={csv} {...(csvLabel ? { csvLabel } : {})} />
      </Box>
      {report.isPending ? (
        <PageLoader />
      ) : report.isError ? (
        <ProblemAlert error={report.error} />
      ) : report.data.rows.length === 0 ? (
        <Text c="dimmed" size="sm" p="sm">
          {t('reports.noRows')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={600} maxHeight={420}>
          <Table striped stickyHeader data-testid={testId}>
            <Table.Thead>
              <Table.Tr>
                {report.data.columns.map((c) => (
                  <Table.Th key={c.key}>{i18n.language === 'en' ? c.en : c.vi}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.data.rows.slice(0, 500).map((row, i) => (
                <Table.Tr key={i}>
                  {report.data.columns.map((c) => (
                    <Table.Td key={c.key} ta={typeof row[c.key] === 'number' ? 'right' : undefined}>
                      {cellText(row[c.key] ?? null)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {footer}
    </Card>
  );
}

/** Screenings that were not "eligible", by reason, as a chart. */
function DeferralsCard({ filter }: { filter: v.ReportFilter }) {
  const { t } = useTranslation();
  const report = useQuery({ queryKey: ['reports', 'screenings', filter], queryFn: ({ signal }) => v.getReport('screenings', filter, signal), placeholderData: keepPreviousData });
  const rows = (report.data?.rows ?? []).filter((r) => r.reason !== null && r.reason !== undefined);
  const option: ChartOption = {
    tooltip: { trigger: 'axis' },
    grid: { left: 200, right: 24, top: 8, bottom: 24 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => t(`vaccination.reason.${String(r.reason)}`, { defaultValue: String(r.reason) })) },
    series: [{ type: 'bar', color: SEN_GOLD, data: rows.map((r) => Number(r.screenings ?? 0)) }],
  };
  return (
    <Card withBorder>
      <ChartHeader title={t('reports.deferrals')} csv={v.reportCsvUrl('screenings', filter)} />
      {report.isError ? <ProblemAlert error={report.error} /> : rows.length === 0 ? <Text c="dimmed" size="sm">{t('reports.noRows')}</Text> : <EChart option={option} height={Math.max(160, rows.length * 28)} label={t('reports.deferrals')} />}
    </Card>
  );
}
