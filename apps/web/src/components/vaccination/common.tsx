import { Badge, Button, Center, Group, Loader, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { CATALOG_VERSIONS } from '@sen/domain';
import { useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../lib/format';
import { areaQuery } from '../../lib/queries';
import { UserContext } from '../../lib/user';
import * as v from './vaccinationApi';

export const catalogQuery = { queryKey: ['vaccination', 'catalog'], queryFn: ({ signal }: { signal: AbortSignal }) => v.getCatalog(signal), staleTime: 60 * 60_000 };

/** The vaccine's name in the interface language, from the catalog (the code until it loads). */
export function useVaccineName() {
  const { i18n } = useTranslation();
  const user = useContext(UserContext);
  const catalog = useQuery({ ...catalogQuery, enabled: !!user?.scopes.includes('vaccination:read') });
  return (code: string | null | undefined): string => {
    if (!code) return '—';
    // Citizens cannot read the catalog route: the names shipped with the domain package stand in.
    const found = catalog.data?.vaccines.find((x) => x.code === code) ?? CATALOG_VERSIONS.flatMap((c) => c.vaccines).find((x) => x.code === code);
    return found ? (i18n.language === 'en' ? found.nameEn : found.nameVi) : code;
  };
}

export function PageLoader() {
  return (
    <Center py="xl">
      <Loader />
    </Center>
  );
}

const OUTCOME_COLOURS: Record<v.ScreeningOutcome, string> = { eligible: 'green', caution: 'yellow', defer: 'orange', contraindicated: 'red' };

export function OutcomeBadge({ outcome }: { outcome: v.ScreeningOutcome }) {
  const { t } = useTranslation();
  return (
    <Badge size="lg" color={OUTCOME_COLOURS[outcome]} variant="filled">
      {t(`vaccination.outcome.${outcome}`)}
    </Badge>
  );
}

/** An area's full label ("Phường Ba Đình, Thành phố Hà Nội") from its code; the code until it loads. */
export function AreaName({ code }: { code: string | null | undefined }) {
  const area = useQuery({ ...areaQuery(code ?? ''), enabled: !!code });
  if (!code) return <>—</>;
  return <>{area.data ? (area.data.area.label ?? area.data.area.fullName) : code}</>;
}

/** "Rows 101-200" with previous and next, for lists the server pages by offset. */
export function Pager({ offset, count, hasMore, pageSize, onPage }: { offset: number; count: number; hasMore: boolean; pageSize: number; onPage: (offset: number) => void }) {
  const { t } = useTranslation();
  if (offset === 0 && !hasMore) return null;
  return (
    <Group justify="space-between" p="sm">
      <Text size="sm" c="dimmed">
        {t('people.showing', { from: formatNumber(offset + 1), to: formatNumber(offset + count) })}
      </Text>
      <Group gap="xs">
        <Button size="xs" variant="default" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - pageSize))}>
          ← {t('common.previous')}
        </Button>
        <Button size="xs" variant="default" disabled={!hasMore} onClick={() => onPage(offset + pageSize)}>
          {t('common.next')} →
        </Button>
      </Group>
    </Group>
  );
}

/** A session and, once it is known, its site (the session page and its invitations share both queries). */
export function useSessionAndSite(id: string) {
  const session = useQuery({ queryKey: ['vaccination', 'session', id], queryFn: ({ signal }) => v.getSession(id, signal) });
  const site = useQuery({ queryKey: ['vaccination', 'site', session.data?.siteId], queryFn: ({ signal }) => v.getSite(session.data!.siteId, signal), enabled: !!session.data });
  return { session, site };
}
