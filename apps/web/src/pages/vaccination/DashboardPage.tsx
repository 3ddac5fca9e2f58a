import { Anchor, Box, Card, Group, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AreaPicker } from '../../components/AreaPicker';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { catalogQuery, PageLoader, useVaccineName, vnToday } from '../../components/vaccination/common';
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

function pct(n: number, of: number | null): number | null {
  return of && of > 0 ? Math.round((n / of) * 1000) / 10 : null;
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
  const mapCoverage = useMemo(
    () =>
      (d?.coverageByArea ?? []).map((c) => {
        const p = pct(c.atLeastOneDose, c.population);
        return { code: c.areaCode, pct: p, label: `${c.area ?? c.areaCode}: ${p === null ? '—' : `${formatNumber(p)}%`}` };
      }),
    [d],
  );
  const byDay: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t('reports.primary'), t('reports.booster')] },
      grid: { left: 48, right: 16, top: 36, bottom: 40 },
      xAxis: { type: 'category', data: (d?.dosesByDay ?? []).map((x) => formatDate(`${x.day}T00:00:00`).slice(0, 5)) },
      yAxis: { type: 'value', axisLabel: { formatter: (n: number) => formatNumber(n) } },
      dataZoom: [{ type: 'inside' }],
      series: [
        { name: t('reports.primary'), type: 'bar', stack: 'doses', color: SEN_RED, data: (d?.dosesByDay ?? []).map((x) => x.primary) },
        { name: t('reports.booster'), type: 'bar', stack: 'doses', color: SEN_GOLD, data: (d?.dosesByDay ?? []).map((x) => x.booster) },
      ],
    }),
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
            <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
              <Stat testId="total-doses" label={t('reports.doses')} value={d.totals.doses} />
              <Stat label={t('reports.atLeastOne')} value={d.totals.atLeastOneDose} sub={pct(d.totals.atLeastOneDose, d.totals.population)} />
              <Stat label={t('reports.fullSeries')} value={d.totals.fullSeries} sub={pct(d.totals.fullSeries, d.totals.population)} />
              <Stat label={t('reports.booster')} value={d.totals.booster} sub={pct(d.totals.booster, d.totals.population)} />
              <Stat label={t('reports.notEligible')} value={d.totals.notEligible} />
              <Stat label={t('reports.adverseEvents')} value={d.totals.adverseEvents} note={t('reports.serious', { n: formatNumber(d.totals.seriousAdverseEvents) })} />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, lg: 2 }}>
              <Card withBorder>
                <ChartHeader title={t('reports.dosesPerDay')} csv={v.reportCsvUrl('doses', { ...filter, by: 'day' })} />
                <EChart option={byDay} label={t('reports.dosesPerDay')} />
              </Card>
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
            <ReportCard name="stock" filter={filter} />
            <ReportCard name="attendance" filter={filter} />
          </>
        )
      )}
    </Stack>
  );
}

function Stat({ label, value, sub, note, testId }: { label: string; value: number; sub?: number | null; note?: string; testId?: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {formatNumber(value)}
      </Text>
      {sub !== undefined && sub !== null && (
        <Text size="sm" c="dimmed">
          {formatNumber(sub)}%
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

function ChartHeader({ title, csv }: { title: string; csv?: string }) {
  const { t } = useTranslation();
  return (
    <Group justify="space-between" mb="xs">
      <Text fw={600}>{title}</Text>
      {csv && (
        <Anchor href={csv} size="sm" download>
          {t('reports.csv')}
        </Anchor>
      )}
    </Group>
  );
}

function cellText(value: v.Cell): string {
  if (value === null) return '—';
  if (typeof value === 'number') return formatNumber(value);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(`${value}T00:00:00`) : value;
}

/** Any report table as the server names its columns, with its CSV link. */
function ReportCard({ name, filter }: { name: v.ReportName; filter: v.ReportFilter }) {
  const { t, i18n } = useTranslation();
  const report = useQuery({ queryKey: ['reports', name, filter], queryFn: ({ signal }) => v.getReport(name, filter, signal), placeholderData: keepPreviousData });
  return (
    <Card withBorder padding={0}>
      <Box p="sm">
        <ChartHeader title={t(`reports.table.${name}`)} csv={v.reportCsvUrl(name, filter)} />
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
          <Table striped stickyHeader>
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
