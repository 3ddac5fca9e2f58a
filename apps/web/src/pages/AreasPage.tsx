import { Anchor, Badge, Breadcrumbs, Card, Center, Grid, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { Area } from '../api';
import { RequireScope } from '../components/NoAccess';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatNumber } from '../lib/format';
import { areaQuery, provincesQuery } from '../lib/queries';
import { isStaffScopes } from '../lib/user';

const ProvinceMap = lazy(() => import('../components/ProvinceMap'));
const route = getRouteApi('/_app/areas');

export function AreasPage() {
  return (
    <RequireScope scope={isStaffScopes}>
      <Areas />
    </RequireScope>
  );
}

function Areas() {
  const { t, i18n } = useTranslation();
  const search = route.useSearch();
  const navigate = useNavigate();
  const code = search.code ?? null;
  const [text, setText] = useState(search.q ?? '');
  const [debounced] = useDebouncedValue(text.trim(), 300);

  // Keep the search text in the URL (replace, so typing does not fill the history).
  useEffect(() => {
    if ((search.q ?? '') !== debounced) void navigate({ to: '/areas', search: (s) => ({ ...s, q: debounced || undefined }), replace: true });
  }, [debounced, search.q, navigate]);

  const open = (next: string | null) => {
    setText('');
    void navigate({ to: '/areas', search: next ? { code: next } : {} });
  };

  const detail = useQuery({ ...areaQuery(code ?? ''), enabled: !!code, placeholderData: keepPreviousData });
  const provinces = useQuery({ ...provincesQuery, enabled: !code });
  const found = useQuery({
    queryKey: ['areas', 'search', debounced, 'browse'],
    queryFn: ({ signal }) => api.searchAreas({ q: debounced, limit: 50 }, signal),
    enabled: debounced.length >= 2,
    placeholderData: keepPreviousData,
  });

  const current = code ? detail.data : undefined;
  const list: Area[] = code ? (current?.children ?? []) : (provinces.data?.items ?? []);
  const listQuery = code ? detail : provinces;
  const provinceCode =
    current?.area.kind === 'province' ? current.area.code : (current?.ancestors.find((a) => a.kind === 'province')?.code ?? null);
  const areaName = (a: Area) => (i18n.language === 'en' && a.nameEn ? a.nameEn : a.fullName);
  const totalPopulation = list.reduce((sum, a) => sum + (a.population ?? 0), 0);
  const anyPopulation = list.some((a) => a.population !== null);

  return (
    <Stack gap="md">
      <Title order={1} size="h3">
        {t('areas.title')}
      </Title>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 6, lg: 5 }}>
          <Stack gap="sm">
            <TextInput
              name="q"
              placeholder={t('areas.searchPlaceholder')}
              aria-label={t('areas.search')}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              rightSection={found.isFetching ? <Loader size={14} /> : null}
            />
            {debounced.length >= 2 ? (
              <Card withBorder padding={0}>
                {found.isError ? (
                  <ProblemAlert error={found.error} />
                ) : (found.data?.items ?? []).length === 0 ? (
                  <Text c="dimmed" size="sm" p="md">
                    {found.isPending ? t('common.loading') : t('areaPicker.nothingFound')}
                  </Text>
                ) : (
                  <Table highlightOnHover fz="sm" verticalSpacing={6}>
                    <Table.Tbody>
                      {(found.data?.items ?? []).map((a) => (
                        <Table.Tr key={a.code} className="sen-row-link" onClick={() => open(a.code)}>
                          <Table.Td>
                            <Text size="sm" fw={500}>
                              {a.label ?? a.fullName}
                            </Text>
                          </Table.Td>
                          <Table.Td w={110}>
                            <Badge variant="light" color="gray" tt="none" radius="sm">
                              {t(`areaKind.${a.kind}`)}
                            </Badge>
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                )}
              </Card>
            ) : (
              <Card withBorder padding={0}>
                <Stack gap={4} p="md" pb="xs">
                  <Breadcrumbs separator="›">
                    <Anchor component="button" type="button" size="sm" onClick={() => open(null)}>
                      {t('areas.country')}
                    </Anchor>
                    {current?.ancestors
                      .filter((a) => a.kind !== 'country')
                      .map((a) => (
                        <Anchor key={a.code} component="button" type="button" size="sm" onClick={() => open(a.code)}>
                          {a.fullName}
                        </Anchor>
                      ))}
                    {current && <Text size="sm">{current.area.fullName}</Text>}
                  </Breadcrumbs>
                  {current ? (
                    <Group justify="space-between" align="flex-end" wrap="wrap">
                      <div>
                        <Title order={2} size="h4">
                          {areaName(current.area)}
                        </Title>
                        <Text size="xs" c="dimmed">
                          {t(`areaKind.${current.area.kind}`)} · {t('areas.code')} {current.area.code}
                        </Text>
                      </div>
                      <div style={{ textAlign: 'right' }}>
                        <Text size="xs" c="dimmed">
                          {t('areas.population')}
                        </Text>
                        <Text fw={600}>{formatNumber(current.area.population)}</Text>
                      </div>
                    </Group>
                  ) : (
                    <Title order={2} size="h4">
                      {t('areas.provinces')}
                    </Title>
                  )}
                </Stack>
                {listQuery.isPending && (code ? !detail.data : true) ? (
                  <Center py="lg">
                    <Loader size="sm" />
                  </Center>
                ) : listQuery.isError ? (
                  <ProblemAlert error={listQuery.error} />
                ) : list.length === 0 ? (
                  <Text c="dimmed" size="sm" px="md" pb="md">
                    {t('areas.noChildren')}
                  </Text>
                ) : (
                  <Table.ScrollContainer minWidth={360} mah={560}>
                    <Table highlightOnHover fz="sm" verticalSpacing={5} stickyHeader striped>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>{t('areas.name')}</Table.Th>
                          <Table.Th w={70}>{t('areas.code')}</Table.Th>
                          <Table.Th w={120} ta="right">
                            {t('areas.population')}
                          </Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {list.map((a) => (
                          <Table.Tr key={a.code} className="sen-row-link" onClick={() => open(a.code)}>
                            <Table.Td>
                              <Text size="sm" fw={500}>
                                {areaName(a)}
                              </Text>
                            </Table.Td>
                            <Table.Td className="sen-mono">{a.code}</Table.Td>
                            <Table.Td ta="right">{formatNumber(a.population)}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                      {anyPopulation && (
                        <Table.Tfoot>
                          <Table.Tr>
                            <Table.Th>{t('areas.total', { count: list.length, n: formatNumber(list.length) })}</Table.Th>
                            <Table.Th />
                            <Table.Th ta="right">{formatNumber(totalPopulation)}</Table.Th>
                          </Table.Tr>
                        </Table.Tfoot>
                      )}
                    </Table>
                  </Table.ScrollContainer>
                )}
              </Card>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6, lg: 7 }}>
          <Card withBorder padding={0} h={{ base: 420, md: 'calc(100vh - 150px)' }} mih={420} style={{ overflow: 'hidden' }}>
            <Suspense
              fallback={
                <Center h="100%">
                  <Loader />
                </Center>
              }
            >
              <ProvinceMap selectedCode={provinceCode} onSelect={(c) => open(c)} />
            </Suspense>
          </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
