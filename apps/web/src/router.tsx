import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import type { QueryClient } from '@tanstack/react-query';
import { meQuery } from './lib/queries';
import { safeRedirect } from './lib/redirect';
import { AppLayout } from './components/AppLayout';
import { NotFound } from './components/NotFound';
import { RouteError } from './components/RouteError';
import { LoginPage } from './pages/LoginPage';
import { HomePage } from './pages/HomePage';
import { PeoplePage } from './pages/PeoplePage';
import { PersonPage } from './pages/PersonPage';
import { DuplicatesPage } from './pages/DuplicatesPage';
import { AuditPage } from './pages/AuditPage';
import { MePage } from './pages/MePage';

/** Search params are plain strings: the router's default JSON parsing would turn "0912..." or "1954" into numbers. */
type Search = Record<string, string>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined);
function pick<K extends string>(search: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = str(search[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export const PEOPLE_SEARCH_KEYS = ['q', 'idNumber', 'phone', 'birthYear', 'area', 'offset'] as const;
export type PeopleSearch = Partial<Record<(typeof PEOPLE_SEARCH_KEYS)[number], string>>;
export const AUDIT_SEARCH_KEYS = ['action', 'entityType', 'entityId', 'actor', 'from', 'to'] as const;
export type AuditSearch = Partial<Record<(typeof AUDIT_SEARCH_KEYS)[number], string>>;
export type AreasSearch = { code?: string; q?: string };

const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: Outlet,
  notFoundComponent: NotFound,
  errorComponent: RouteError,
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (s: Record<string, unknown>): { redirect?: string } => pick(s, ['redirect']),
  beforeLoad: async ({ context, search }) => {
    const me = await context.queryClient.ensureQueryData(meQuery);
    if (me) throw redirect({ href: safeRedirect(search.redirect) });
  },
  component: LoginPage,
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_app',
  beforeLoad: async ({ context, location }) => {
    const me = await context.queryClient.ensureQueryData(meQuery);
    if (!me) throw redirect({ to: '/login', search: location.href === '/' ? {} : { redirect: location.href } });
  },
  component: AppLayout,
});

const homeRoute = createRoute({ getParentRoute: () => appRoute, path: '/', component: HomePage });
const peopleRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/people',
  validateSearch: (s: Record<string, unknown>): PeopleSearch => pick(s, PEOPLE_SEARCH_KEYS),
  component: PeoplePage,
});
const personRoute = createRoute({ getParentRoute: () => appRoute, path: '/people/$id', component: PersonPage });
const duplicatesRoute = createRoute({ getParentRoute: () => appRoute, path: '/duplicates', component: DuplicatesPage });
const areasRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/areas',
  validateSearch: (s: Record<string, unknown>): AreasSearch => pick(s, ['code', 'q']),
  // The areas page carries MapLibre (about a megabyte): it loads only when opened.
  component: lazyRouteComponent(() => import('./pages/AreasPage'), 'AreasPage'),
});
const auditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/audit',
  validateSearch: (s: Record<string, unknown>): AuditSearch => pick(s, AUDIT_SEARCH_KEYS),
  component: AuditPage,
});
const meRoute = createRoute({ getParentRoute: () => appRoute, path: '/me', component: MePage });
// Vaccination pages load when first opened; the dashboard carries ECharts and MapLibre.
const vaccinationPage = <M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M & string) => lazyRouteComponent(load, name);
const supplyRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/supply', component: vaccinationPage(() => import('./pages/vaccination/SupplyPage'), 'SupplyPage') });
const lotsRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/lots', component: vaccinationPage(() => import('./pages/vaccination/LotsPage'), 'LotsPage') });
const lotTraceRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/lots/$id', component: vaccinationPage(() => import('./pages/vaccination/LotsPage'), 'LotTracePage') });
const sitesRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/sites', component: vaccinationPage(() => import('./pages/vaccination/SitesPage'), 'SitesPage') });
const siteRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/sites/$id', component: vaccinationPage(() => import('./pages/vaccination/SitePage'), 'SitePage') });
const sessionRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/sessions/$id', component: vaccinationPage(() => import('./pages/vaccination/SessionPage'), 'SessionPage') });
const reportsRoute = createRoute({ getParentRoute: () => appRoute, path: '/reports', component: vaccinationPage(() => import('./pages/vaccination/DashboardPage'), 'DashboardPage') });
const catalogRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/catalog', component: vaccinationPage(() => import('./pages/vaccination/CatalogPage'), 'CatalogPage') });
const newCatalogRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/catalog/new', component: vaccinationPage(() => import('./pages/vaccination/CatalogPage'), 'NewCatalogVersionPage') });
const catalogVersionRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/catalog/$version', component: vaccinationPage(() => import('./pages/vaccination/CatalogPage'), 'CatalogVersionPage') });
const priorityGroupsRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/priority-groups', component: vaccinationPage(() => import('./pages/vaccination/PriorityGroupsPage'), 'PriorityGroupsPage') });
const targetsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/vaccination/targets',
  validateSearch: (s: Record<string, unknown>): { list?: string } => pick(s, ['list']),
  component: vaccinationPage(() => import('./pages/vaccination/TargetListsPage'), 'TargetListsPage'),
});
const registrationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/vaccination/registrations',
  validateSearch: (s: Record<string, unknown>): { personId?: string } => pick(s, ['personId']),
  component: vaccinationPage(() => import('./pages/vaccination/RegistrationsPage'), 'RegistrationsPage'),
});
const backfillsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/vaccination/backfills',
  validateSearch: (s: Record<string, unknown>): { personId?: string } => pick(s, ['personId']),
  component: vaccinationPage(() => import('./pages/vaccination/BackfillPage'), 'BackfillPage'),
});
const adverseEventsRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/adverse-events', component: vaccinationPage(() => import('./pages/vaccination/AdverseEventsPage'), 'AdverseEventsPage') });
const invitationsRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/sessions/$id/invitations', component: vaccinationPage(() => import('./pages/vaccination/InvitationsPage'), 'InvitationsPage') });
const allocationPlansRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/allocation-plans', component: vaccinationPage(() => import('./pages/vaccination/AllocationPlansPage'), 'AllocationPlansPage') });
const allocationPlanRoute = createRoute({ getParentRoute: () => appRoute, path: '/vaccination/allocation-plans/$id', component: vaccinationPage(() => import('./pages/vaccination/AllocationPlansPage'), 'AllocationPlanPage') });

// Check-ins, tracing, declarations, certificates and the verifier (issues 4 and 5) load when first opened.
const checkinsPage = <M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M & string) => lazyRouteComponent(load, name);
const scanVenueRoute = createRoute({ getParentRoute: () => appRoute, path: '/checkin', component: checkinsPage(() => import('./pages/checkins/ScanVenuePage'), 'ScanVenuePage') });
const myQrRoute = createRoute({ getParentRoute: () => appRoute, path: '/me/qr', component: checkinsPage(() => import('./pages/checkins/MyQrPage'), 'MyQrPage') });
const declareRoute = createRoute({ getParentRoute: () => appRoute, path: '/declare', component: checkinsPage(() => import('./pages/checkins/DeclarePage'), 'DeclarePage') });
const personDeclareRoute = createRoute({ getParentRoute: () => appRoute, path: '/people/$id/declare', component: checkinsPage(() => import('./pages/checkins/DeclarePage'), 'PersonDeclarePage') });
const myCertificatesRoute = createRoute({ getParentRoute: () => appRoute, path: '/me/certificates', component: checkinsPage(() => import('./pages/checkins/MyCertificatesPage'), 'MyCertificatesPage') });
const venuesRoute = createRoute({ getParentRoute: () => appRoute, path: '/venues', component: checkinsPage(() => import('./pages/checkins/VenuesPage'), 'VenuesPage') });
const venueRoute = createRoute({ getParentRoute: () => appRoute, path: '/venues/$id', component: checkinsPage(() => import('./pages/checkins/VenuePage'), 'VenuePage') });
const tracingRoute = createRoute({ getParentRoute: () => appRoute, path: '/tracing', component: checkinsPage(() => import('./pages/tracing/TracingPage'), 'TracingPage') });
const traceRunRoute = createRoute({ getParentRoute: () => appRoute, path: '/tracing/runs/$id', component: checkinsPage(() => import('./pages/tracing/TraceRunPage'), 'TraceRunPage') });
// The verifier stands outside the signed-in shell: it must open and verify with no network and no session.
const verifyRoute = createRoute({ getParentRoute: () => rootRoute, path: '/verify', component: checkinsPage(() => import('./pages/verifier/VerifyPage'), 'VerifyPage') });
const checkpointsRoute = createRoute({ getParentRoute: () => appRoute, path: '/checkpoints', component: checkinsPage(() => import('./pages/checkpoints/CheckpointsPage'), 'CheckpointsPage') });
// The poster prints alone, without the console around it.
const checkpointPrintRoute = createRoute({ getParentRoute: () => rootRoute, path: '/checkpoints/$id/print', component: checkinsPage(() => import('./pages/checkpoints/CheckpointPrintPage'), 'CheckpointPrintPage') });
const checkpointPassRoute = createRoute({ getParentRoute: () => appRoute, path: '/pass', component: checkinsPage(() => import('./pages/checkins/CheckpointPassPage'), 'CheckpointPassPage') });

const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([homeRoute, peopleRoute, personRoute, duplicatesRoute, areasRoute, auditRoute, meRoute, supplyRoute, lotsRoute, lotTraceRoute, sitesRoute, siteRoute, sessionRoute, reportsRoute, catalogRoute, newCatalogRoute, catalogVersionRoute, priorityGroupsRoute, targetsRoute, registrationsRoute, backfillsRoute, adverseEventsRoute, invitationsRoute, allocationPlansRoute, allocationPlanRoute, scanVenueRoute, myQrRoute, declareRoute, personDeclareRoute, myCertificatesRoute, venuesRoute, venueRoute, tracingRoute, traceRunRoute, checkpointsRoute, checkpointPassRoute]),
  verifyRoute,
  checkpointPrintRoute,
]);

function parseSearch(searchStr: string): Search {
  const out: Search = {};
  for (const [k, v] of new URLSearchParams(searchStr)) out[k] = v;
  return out;
}

function stringifySearch(search: Record<string, unknown>): string {
  const usp = new URLSearchParams();
  for (const [k, v] of Object.entries(search)) {
    const s = str(v);
    if (s !== undefined) usp.set(k, s);
  }
  const qs = usp.toString();
  return qs ? `?${qs}` : '';
}

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    parseSearch,
    stringifySearch,
    defaultPreload: 'intent',
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
