import { Badge, Center, Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { CATALOG_VERSIONS } from '@sen/domain';
import { useContext } from 'react';
import { useTranslation } from 'react-i18next';
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

/** Today as the Viet Nam calendar day (UTC+7 all year), YYYY-MM-DD. */
export function vnToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}
