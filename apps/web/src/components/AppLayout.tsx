import { AppShell, Box, Burger, Button, Group, NavLink, ScrollArea, Stack, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { User } from '../api';
import { meQuery } from '../lib/queries';
import { hasScope, holdsAboveCommune, isStaff, UserContext } from '../lib/user';
import { LanguageSwitch } from './LanguageSwitch';
import { SenLogo } from './SenLogo';

interface NavItem {
  to: '/' | '/people' | '/duplicates' | '/areas' | '/audit' | '/me' | '/vaccination/sites' | '/vaccination/supply' | '/vaccination/allocation-plans' | '/vaccination/catalog' | '/vaccination/priority-groups' | '/vaccination/targets' | '/vaccination/registrations' | '/vaccination/backfills' | '/vaccination/adverse-events' | '/reports' | '/me/qr' | '/checkin' | '/declare' | '/me/certificates' | '/venues' | '/tracing' | '/verify' | '/checkpoints' | '/pass';
  label: string;
  visible: (u: User) => boolean;
}

const NAV: NavItem[] = [
  { to: '/', label: 'nav.home', visible: () => true },
  { to: '/people', label: 'nav.people', visible: (u) => hasScope(u, 'people:read') },
  { to: '/duplicates', label: 'nav.duplicates', visible: (u) => hasScope(u, 'people:merge') },
  { to: '/areas', label: 'nav.areas', visible: isStaff },
  { to: '/audit', label: 'nav.audit', visible: (u) => hasScope(u, 'audit:read') },
  { to: '/me', label: 'nav.me', visible: (u) => hasScope(u, 'self:read') },
  { to: '/vaccination/sites', label: 'vaccination.nav.sites', visible: (u) => hasScope(u, 'vaccination:read') },
  { to: '/vaccination/supply', label: 'vaccination.nav.supply', visible: (u) => hasScope(u, 'vaccination:read') },
  // Plans split an area's doses among the areas below it: a commune has none.
  { to: '/vaccination/allocation-plans', label: 'vaccination.nav.allocationPlans', visible: (u) => holdsAboveCommune(u, 'vaccination:read') },
  { to: '/vaccination/registrations', label: 'vaccination.nav.registrations', visible: (u) => hasScope(u, 'vaccination:read') && hasScope(u, 'people:read') },
  { to: '/vaccination/targets', label: 'vaccination.nav.targets', visible: (u) => hasScope(u, 'vaccination:read') },
  { to: '/vaccination/backfills', label: 'vaccination.nav.backfills', visible: (u) => hasScope(u, 'vaccination:read') && hasScope(u, 'people:read') },
  { to: '/vaccination/adverse-events', label: 'vaccination.nav.adverseEvents', visible: (u) => hasScope(u, 'vaccination:read') },
  { to: '/vaccination/catalog', label: 'vaccination.nav.catalog', visible: (u) => hasScope(u, 'vaccination:read') },
  { to: '/vaccination/priority-groups', label: 'vaccination.nav.priorityGroups', visible: (u) => hasScope(u, 'vaccination:read') },
  { to: '/reports', label: 'reports.nav', visible: (u) => hasScope(u, 'reports:read') },
  { to: '/me/qr', label: 'checkins.nav.myQr', visible: (u) => hasScope(u, 'self:read') },
  { to: '/checkin', label: 'checkins.nav.scan', visible: (u) => hasScope(u, 'self:read') },
  { to: '/declare', label: 'checkins.nav.declare', visible: (u) => hasScope(u, 'self:read') },
  { to: '/me/certificates', label: 'certificates.nav', visible: (u) => hasScope(u, 'self:read') },
  { to: '/venues', label: 'checkins.nav.venues', visible: (u) => hasScope(u, 'business:manage') || hasScope(u, 'people:write') },
  { to: '/tracing', label: 'tracing.nav', visible: (u) => hasScope(u, 'tracing:run') },
  { to: '/verify', label: 'verifier.nav', visible: (u) => hasScope(u, 'checkpoint:verify') },
  { to: '/checkpoints', label: 'checkpoints.nav', visible: (u) => hasScope(u, 'checkpoint:verify') },
  { to: '/pass', label: 'checkpoints.pass.nav', visible: (u) => hasScope(u, 'self:read') },
];

export function roleName(role: User['roles'][number], lng: string): string {
  return lng === 'en' ? role.nameEn : role.nameVi;
}

/** The signed-in shell: header with who is working where, and the navigation their scopes allow. */
export function AppLayout() {
  const { t, i18n } = useTranslation();
  const { data: user } = useQuery(meQuery);
  const [opened, { toggle, close }] = useDisclosure(false);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  if (!user) return null;

  const items = NAV.filter((n) => n.visible(user));
  const firstRole = user.roles[0];
  const moreRoles = user.roles.length - 1;

  async function signOut() {
    try {
      await api.logout();
    } catch {
      // the session is dropped locally whatever the server says
    }
    queryClient.clear();
    queryClient.setQueryData(meQuery.queryKey, null);
    await navigate({ to: '/login' });
  }

  const isActive = (to: string) => (to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`));

  return (
    <UserContext.Provider value={user}>
      <AppShell header={{ height: 56 }} navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
        <AppShell.Header bg="sen.9" c="white" withBorder={false}>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
            <Group gap="sm" wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" color="white" aria-label={t('nav.menu')} />
              <Link to="/" style={{ color: 'inherit', textDecoration: 'none' }}>
                <Group gap={8} wrap="nowrap">
                  <SenLogo size={28} />
                  <Box>
                    <Text fw={700} size="lg" lh={1.1}>
                      Sen
                    </Text>
                    <Text size="xs" lh={1.1} c="sen.1" visibleFrom="md">
                      {t('app.tagline')}
                    </Text>
                  </Box>
                </Group>
              </Link>
            </Group>
            <Group gap="md" wrap="nowrap">
              <Box ta="right" visibleFrom="xs" style={{ minWidth: 0 }}>
                <Text size="sm" fw={600} lh={1.2} truncate>
                  {user.displayName}
                </Text>
                {firstRole && (
                  <Tooltip
                    disabled={moreRoles === 0}
                    label={user.roles.map((r) => `${roleName(r, i18n.language)} · ${r.areaName}`).join('\n')}
                    style={{ whiteSpace: 'pre-line' }}
                  >
                    <Text size="xs" c="sen.1" lh={1.2} truncate>
                      {roleName(firstRole, i18n.language)} · {firstRole.areaName}
                      {moreRoles > 0 ? ` ${t('shell.moreRoles', { count: moreRoles })}` : ''}
                    </Text>
                  </Tooltip>
                )}
              </Box>
              <LanguageSwitch variant="dark" />
              <Button size="xs" variant="white" color="sen.9" onClick={() => void signOut()}>
                {t('shell.logout')}
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs">
          <AppShell.Section hiddenFrom="xs" px="sm" pb="xs" mb="xs" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
            <Text size="sm" fw={600}>
              {user.displayName}
            </Text>
            {user.roles.map((r) => (
              <Text key={`${r.code}@${r.areaCode}`} size="xs" c="dimmed">
                {roleName(r, i18n.language)} · {r.areaName}
              </Text>
            ))}
          </AppShell.Section>
          <AppShell.Section grow component={ScrollArea}>
            <Stack gap={2}>
              {items.map((item) => (
                <NavLink
                  key={item.to}
                  component={Link}
                  to={item.to}
                  label={t(item.label)}
                  active={isActive(item.to)}
                  onClick={close}
                  variant="light"
                  fw={500}
                />
              ))}
            </Stack>
          </AppShell.Section>
          <AppShell.Section>
            <Text size="xs" c="dimmed" px="sm" py={4}>
              {t('shell.signedInAs', { username: user.username })}
            </Text>
          </AppShell.Section>
        </AppShell.Navbar>
        <AppShell.Main>
          <Outlet />
        </AppShell.Main>
      </AppShell>
    </UserContext.Provider>
  );
}
