import {
  Accordion, Alert, Badge, Breadcrumbs, Button, Card, CloseButton, Group, List, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { catalogAt, vnToday } from '@sen/domain';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { blankVaccine, changesFrom, draftFrom, latestVersion, type CatalogDraft } from '../../components/vaccination/catalogDraft';
import { catalogQuery, PageLoader } from '../../components/vaccination/common';
import { DayInput } from '../../components/vaccination/DayInput';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatDay } from '../../lib/format';
import { holdsNationally, useUser } from '../../lib/user';

const PLATFORMS = ['viral_vector', 'mrna', 'inactivated', 'protein_subunit'] as const;
const versionsQuery = { queryKey: ['vaccination', 'catalog', 'versions'], queryFn: ({ signal }: { signal: AbortSignal }) => v.listCatalogVersions(signal) };
const canRead = (scopes: string[]) => scopes.includes('vaccination:read') || scopes.includes('self:read');

/** The vaccine catalog's versions, the one in force today marked; a national administrator adds the next. */
export function CatalogPage() {
  return (
    <RequireScope scope={canRead}>
      <Versions />
    </RequireScope>
  );
}

function Versions() {
  const { t } = useTranslation();
  const user = useUser();
  const versions = useQuery(versionsQuery);
  if (versions.isPending) return <PageLoader />;
  if (versions.isError) return <ProblemAlert error={versions.error} />;
  const items = [...versions.data.items].sort((a, b) => b.validFrom.localeCompare(a.validFrom));
  const inForce = items.length > 0 ? catalogAt(new Date(), items).version : null;
  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('vaccination.catalog.title')}
        </Title>
        {holdsNationally(user, 'vaccination:write') && (
          <Button component={Link} to="/vaccination/catalog/new">
            + {t('vaccination.catalog.add')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {t('vaccination.catalog.intro')}
      </Text>
      <Card withBorder padding={0}>
        <Table striped highlightOnHover verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('vaccination.catalog.version')}</Table.Th>
              <Table.Th>{t('vaccination.catalog.validFrom')}</Table.Th>
              <Table.Th>{t('vaccination.catalog.source')}</Table.Th>
              <Table.Th ta="right">{t('vaccination.catalog.vaccines')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((c) => (
              <Table.Tr key={c.version}>
                <Table.Td>
                  <Group gap="xs">
                    <AnchorLink to="/vaccination/catalog/$version" params={{ version: String(c.version) }} fw={600}>
                      {t('vaccination.catalog.versionN', { n: c.version })}
                    </AnchorLink>
                    {c.version === inForce && (
                      <Badge color="green" variant="light">
                        {t('vaccination.catalog.inForce')}
                      </Badge>
                    )}
                    {c.validFrom > vnToday() && <Badge variant="light">{t('vaccination.catalog.upcoming')}</Badge>}
                  </Group>
                </Table.Td>
                <Table.Td>{formatDay(c.validFrom)}</Table.Td>
                <Table.Td>{c.source}</Table.Td>
                <Table.Td ta="right">{c.vaccines.length}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}

const versionRoute = getRouteApi('/_app/vaccination/catalog/$version');

export function CatalogVersionPage() {
  return (
    <RequireScope scope={canRead}>
      <OneVersion />
    </RequireScope>
  );
}

function OneVersion() {
  const { t } = useTranslation();
  const { version } = versionRoute.useParams();
  const n = Number(version);
  const found = useQuery({
    queryKey: ['vaccination', 'catalog', 'version', n],
    queryFn: ({ signal }) => v.getCatalogVersion(n, signal),
    enabled: Number.isInteger(n) && n > 0,
    staleTime: Infinity, // versions never change
  });
  if (!Number.isInteger(n) || n < 1) return <Alert color="yellow">{t('vaccination.catalog.notFound')}</Alert>;
  if (found.isPending) return <PageLoader />;
  if (found.isError) return <ProblemAlert error={found.error} />;
  const c = found.data;
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <AnchorLink to="/vaccination/catalog" size="sm">
          {t('vaccination.catalog.title')}
        </AnchorLink>
        <Text size="sm">{t('vaccination.catalog.versionN', { n: c.version })}</Text>
      </Breadcrumbs>
      <Title order={1} size="h3">
        {t('vaccination.catalog.versionHeading', { n: c.version, date: formatDay(c.validFrom) })}
      </Title>
      <Text size="sm" c="dimmed">
        {c.source}
      </Text>
      <CatalogVersionView catalog={c} />
    </Stack>
  );
}

/** Everything a version says: products with their EU codes, series, intervals, ages, components, mixing and boosters. */
function CatalogVersionView({ catalog }: { catalog: v.CatalogVersion }) {
  const { t, i18n } = useTranslation();
  const name = (code: string) => {
    const x = catalog.vaccines.find((y) => y.code === code);
    return x ? (i18n.language === 'en' ? x.nameEn : x.nameVi) : code;
  };
  return (
    <Stack gap="md">
      <Card withBorder padding={0}>
        <Table.ScrollContainer minWidth={980}>
          <Table striped verticalSpacing="sm" data-testid="catalog-vaccines">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('vaccination.vaccine')}</Table.Th>
                <Table.Th>{t('vaccination.catalog.platform')}</Table.Th>
                <Table.Th>{t('vaccination.catalog.dcc')}</Table.Th>
                <Table.Th ta="right">{t('vaccination.catalog.seriesDoses')}</Table.Th>
                <Table.Th>{t('vaccination.catalog.interval')}</Table.Th>
                <Table.Th>{t('vaccination.catalog.ages')}</Table.Th>
                <Table.Th ta="right">{t('vaccination.lots.dosesPerVial')}</Table.Th>
                <Table.Th>{t('vaccination.catalog.components')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {catalog.vaccines.map((x) => (
                <Table.Tr key={x.code}>
                  <Table.Td>
                    <Text fw={600} size="sm">
                      {name(x.code)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {x.code}
                    </Text>
                  </Table.Td>
                  <Table.Td>{t(`vaccination.platform.${x.platform}`)}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {x.dcc.mp}
                      <br />
                      {x.dcc.ma}
                      <br />
                      {x.dcc.vp}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">{x.seriesDoses}</Table.Td>
                  <Table.Td>
                    {x.seriesDoses > 1
                      ? t('vaccination.catalog.intervalText', { min: x.minIntervalDays, from: x.recommendedIntervalDays, to: x.recommendedIntervalMaxDays })
                      : '—'}
                  </Table.Td>
                  <Table.Td>{x.maxAgeYears === null ? t('vaccination.catalog.ageFrom', { min: x.minAgeYears }) : t('vaccination.catalog.ageRange', { min: x.minAgeYears, max: x.maxAgeYears })}</Table.Td>
                  <Table.Td ta="right">{x.defaultDosesPerVial}</Table.Td>
                  <Table.Td>{x.components ? x.components.join(' → ') : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Text fw={600} mb="xs">
            {t('vaccination.catalog.mixing')}
          </Text>
          {catalog.mixedSchedules.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('vaccination.catalog.noMixing')}
            </Text>
          ) : (
            <List size="sm" data-testid="catalog-mixing">
              {catalog.mixedSchedules.map((m, i) => (
                <List.Item key={i}>
                  {name(m.first)} → {m.then.map(name).join(', ')}
                </List.Item>
              ))}
            </List>
          )}
        </Card>
        <Card withBorder>
          <Text fw={600} mb="xs">
            {t('vaccination.catalog.booster')}
          </Text>
          {catalog.booster === null ? (
            <Text size="sm" c="dimmed">
              {t('vaccination.catalog.noBoosters')}
            </Text>
          ) : (
            <List size="sm" data-testid="catalog-booster">
              <List.Item>
                {t('vaccination.catalog.boosterProducts')}: {catalog.booster.products.map(name).join(', ')}
              </List.Item>
              <List.Item>{t('vaccination.catalog.boosterInterval', { min: catalog.booster.minIntervalDays, recommended: catalog.booster.recommendedIntervalDays })}</List.Item>
              <List.Item>{t('vaccination.catalog.ageFrom', { min: catalog.booster.minAgeYears })}</List.Item>
              <List.Item>{t('vaccination.catalog.maxBoostersText', { n: catalog.booster.maxBoosters })}</List.Item>
            </List>
          )}
        </Card>
      </SimpleGrid>
    </Stack>
  );
}

/** A national administrator's form for the next version: a copy of the latest, edited, from today or later. */
export function NewCatalogVersionPage() {
  const { t } = useTranslation();
  const user = useUser();
  const versions = useQuery(versionsQuery);
  if (!holdsNationally(user, 'vaccination:write')) {
    return (
      <Alert color="yellow" title={t('errors.noAccessTitle')}>
        {t('vaccination.catalog.nationalOnly')}
      </Alert>
    );
  }
  if (versions.isPending) return <PageLoader />;
  if (versions.isError) return <ProblemAlert error={versions.error} />;
  const latest = latestVersion(versions.data.items);
  if (!latest) return <Alert color="yellow">{t('vaccination.catalog.notFound')}</Alert>;
  return <VersionForm latest={latest} />;
}

const nextDay = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function VersionForm({ latest }: { latest: v.CatalogVersion }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const today = vnToday();
  const earliest = nextDay(latest.validFrom) > today ? nextDay(latest.validFrom) : today;
  const [draft, setDraft] = useState<CatalogDraft>(() => draftFrom(latest, earliest));
  const input = changesFrom(latest, draft);
  const save = useMutation({
    mutationFn: () => v.createCatalogVersion(input),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: catalogQuery.queryKey });
      void navigate({ to: '/vaccination/catalog/$version', params: { version: String(created.version) } });
    },
  });
  const dayProblem = !draft.validFrom
    ? null
    : draft.validFrom < today
      ? t('vaccination.catalog.notBeforeToday')
      : draft.validFrom <= latest.validFrom
        ? t('vaccination.catalog.afterLatest', { date: formatDay(latest.validFrom) })
        : null;
  const codes = draft.vaccines.filter((x) => x.code).map((x) => ({ value: x.code, label: (i18n.language === 'en' ? x.nameEn : x.nameVi) || x.code }));
  const setVaccine = (i: number, patch: Partial<v.VaccineDefinition>) => setDraft((d) => ({ ...d, vaccines: d.vaccines.map((x, j) => (j === i ? { ...x, ...patch } : x)) }));
  const setMixing = (i: number, patch: Partial<v.MixedSchedule>) => setDraft((d) => ({ ...d, mixedSchedules: d.mixedSchedules.map((m, j) => (j === i ? { ...m, ...patch } : m)) }));
  const setBooster = (patch: Partial<v.BoosterRule>) => setDraft((d) => ({ ...d, booster: d.booster ? { ...d.booster, ...patch } : d.booster }));
  const changed = (input.vaccineChanges?.length ?? 0) + (input.addVaccines?.length ?? 0) + (input.mixedSchedules ? 1 : 0) + ('booster' in input ? 1 : 0);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack gap="md">
        <Breadcrumbs>
          <AnchorLink to="/vaccination/catalog" size="sm">
            {t('vaccination.catalog.title')}
          </AnchorLink>
          <Text size="sm">{t('vaccination.catalog.add')}</Text>
        </Breadcrumbs>
        <Title order={1} size="h3">
          {t('vaccination.catalog.newHeading', { n: latest.version })}
        </Title>
        <Card withBorder>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <DayInput label={t('vaccination.catalog.validFrom')} name="validFrom" value={draft.validFrom} onChange={(x) => setDraft((d) => ({ ...d, validFrom: x }))} error={dayProblem} required />
            <TextInput
              label={t('vaccination.catalog.source')}
              description={t('vaccination.catalog.sourceHelp')}
              name="source"
              value={draft.source}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setDraft((d) => ({ ...d, source: value }));
              }}
              maxLength={500}
              required
            />
          </SimpleGrid>
        </Card>

        <Group justify="space-between">
          <Title order={2} size="h4">
            {t('vaccination.catalog.vaccines')}
          </Title>
          <Button variant="default" onClick={() => setDraft((d) => ({ ...d, vaccines: [...d.vaccines, blankVaccine()] }))}>
            + {t('vaccination.catalog.addVaccine')}
          </Button>
        </Group>
        <Accordion variant="separated" multiple>
          {draft.vaccines.map((x, i) => {
            // Vaccines of the latest version come first and stay; what follows was added here.
            const isNew = i >= latest.vaccines.length;
            const num = (key: keyof v.VaccineDefinition, label: string, nullable = false) => (
              <NumberInput
                label={label}
                name={`${x.code}.${key}`}
                value={(x[key] as number | null) ?? ''}
                min={0}
                allowDecimal={false}
                onChange={(n) => setVaccine(i, { [key]: typeof n === 'number' ? n : nullable ? null : 0 })}
              />
            );
            return (
              <Accordion.Item key={i} value={String(i)}>
                <Accordion.Control>
                  <Group gap="xs">
                    <Text fw={600}>{(i18n.language === 'en' ? x.nameEn : x.nameVi) || t('vaccination.catalog.newVaccine')}</Text>
                    <Text size="sm" c="dimmed">
                      {x.code}
                    </Text>
                    {isNew && <Badge variant="light">{t('vaccination.catalog.added')}</Badge>}
                    {input.vaccineChanges?.some((c) => c.code === x.code) && (
                      <Badge color="orange" variant="light">
                        {t('vaccination.catalog.changed')}
                      </Badge>
                    )}
                  </Group>
                </Accordion.Control>
                <Accordion.Panel>
                  <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
                    <TextInput label={t('vaccination.catalog.code')} value={x.code} disabled={!isNew} onChange={(e) => setVaccine(i, { code: e.currentTarget.value.trim() })} required />
                    <TextInput label={t('vaccination.catalog.nameVi')} value={x.nameVi} onChange={(e) => setVaccine(i, { nameVi: e.currentTarget.value })} required />
                    <TextInput label={t('vaccination.catalog.nameEn')} value={x.nameEn} onChange={(e) => setVaccine(i, { nameEn: e.currentTarget.value })} required />
                    <Select
                      label={t('vaccination.catalog.platform')}
                      data={PLATFORMS.map((p) => ({ value: p, label: t(`vaccination.platform.${p}`) }))}
                      value={x.platform}
                      onChange={(p) => p && setVaccine(i, { platform: p as v.VaccineDefinition['platform'] })}
                      allowDeselect={false}
                    />
                    <TextInput label="EU mp" value={x.dcc.mp} onChange={(e) => setVaccine(i, { dcc: { ...x.dcc, mp: e.currentTarget.value } })} required />
                    <TextInput label="EU ma" value={x.dcc.ma} onChange={(e) => setVaccine(i, { dcc: { ...x.dcc, ma: e.currentTarget.value } })} required />
                    <TextInput label="EU vp" value={x.dcc.vp} onChange={(e) => setVaccine(i, { dcc: { ...x.dcc, vp: e.currentTarget.value } })} required />
                    {num('seriesDoses', t('vaccination.catalog.seriesDoses'))}
                    {num('minIntervalDays', t('vaccination.catalog.minInterval'))}
                    {num('recommendedIntervalDays', t('vaccination.catalog.recommendedFrom'))}
                    {num('recommendedIntervalMaxDays', t('vaccination.catalog.recommendedTo'))}
                    {num('defaultDosesPerVial', t('vaccination.lots.dosesPerVial'))}
                    {num('minAgeYears', t('vaccination.catalog.minAge'))}
                    {num('maxAgeYears', t('vaccination.catalog.maxAge'), true)}
                    <TextInput
                      label={t('vaccination.catalog.components')}
                      description={t('vaccination.catalog.componentsHelp')}
                      value={x.components?.join(', ') ?? ''}
                      onChange={(e) => {
                        const parts = e.currentTarget.value.split(',').map((p) => p.trim()).filter(Boolean);
                        setVaccine(i, { components: parts.length > 0 ? parts : null });
                      }}
                    />
                  </SimpleGrid>
                  {isNew && (
                    <Button mt="sm" size="xs" color="red" variant="subtle" onClick={() => setDraft((d) => ({ ...d, vaccines: d.vaccines.filter((_, j) => j !== i) }))}>
                      {t('common.remove')}
                    </Button>
                  )}
                </Accordion.Panel>
              </Accordion.Item>
            );
          })}
        </Accordion>

        <Card withBorder>
          <Group justify="space-between" mb="xs">
            <Text fw={600}>{t('vaccination.catalog.mixing')}</Text>
            <Button size="xs" variant="default" onClick={() => setDraft((d) => ({ ...d, mixedSchedules: [...d.mixedSchedules, { first: '', then: [] }] }))}>
              + {t('vaccination.catalog.addMixing')}
            </Button>
          </Group>
          <Stack gap="xs">
            {draft.mixedSchedules.map((m, i) => (
              <Group key={i} align="flex-end" wrap="nowrap">
                <Select label={t('vaccination.catalog.mixFirst')} data={codes} value={m.first || null} onChange={(c) => setMixing(i, { first: c ?? '' })} w={220} />
                <MultiSelect label={t('vaccination.catalog.mixThen')} data={codes} value={[...m.then]} onChange={(c) => setMixing(i, { then: c })} style={{ flex: 1 }} />
                <CloseButton aria-label={t('common.remove')} onClick={() => setDraft((d) => ({ ...d, mixedSchedules: d.mixedSchedules.filter((_, j) => j !== i) }))} mb={6} />
              </Group>
            ))}
          </Stack>
        </Card>

        <Card withBorder>
          <Switch
            label={t('vaccination.catalog.boostersAllowed')}
            checked={draft.booster !== null}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setDraft((d) => ({
                ...d,
                booster: on ? (latest.booster ? { ...latest.booster, products: [...latest.booster.products] } : { minIntervalDays: 90, recommendedIntervalDays: 90, products: [], minAgeYears: 18, maxBoosters: 1 }) : null,
              }));
            }}
            mb="sm"
          />
          {draft.booster && (
            <SimpleGrid cols={{ base: 1, sm: 2, md: 5 }}>
              <MultiSelect label={t('vaccination.catalog.boosterProducts')} data={codes} value={[...draft.booster.products]} onChange={(c) => setBooster({ products: c })} />
              <NumberInput label={t('vaccination.catalog.minInterval')} value={draft.booster.minIntervalDays} min={0} allowDecimal={false} onChange={(n) => setBooster({ minIntervalDays: Number(n) || 0 })} />
              <NumberInput label={t('vaccination.catalog.recommendedFrom')} value={draft.booster.recommendedIntervalDays} min={0} allowDecimal={false} onChange={(n) => setBooster({ recommendedIntervalDays: Number(n) || 0 })} />
              <NumberInput label={t('vaccination.catalog.minAge')} value={draft.booster.minAgeYears} min={0} allowDecimal={false} onChange={(n) => setBooster({ minAgeYears: Number(n) || 0 })} />
              <NumberInput label={t('vaccination.catalog.maxBoosters')} value={draft.booster.maxBoosters} min={1} allowDecimal={false} onChange={(n) => setBooster({ maxBoosters: Number(n) || 1 })} />
            </SimpleGrid>
          )}
        </Card>

        <Text size="sm" c="dimmed">
          {t('vaccination.catalog.changeCount', { count: changed })}
        </Text>
        <ProblemAlert error={save.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => void navigate({ to: '/vaccination/catalog' })}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={!draft.validFrom || !!dayProblem || !draft.source.trim()} loading={save.isPending}>
            {t('vaccination.catalog.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
