import { Alert, Badge, Breadcrumbs, Button, Card, Checkbox, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { PageLoader, Pager, useSessionAndSite, useVaccineName } from '../../components/vaccination/common';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatDay, formatNumber } from '../../lib/format';
import { hasScope, useUser } from '../../lib/user';

const route = getRouteApi('/_app/vaccination/sessions/$id/invitations');
const PAGE = 500;
const STATUS_COLOURS: Record<v.SessionInvitation['status'], string> = { invited: 'blue', arrived: 'green', no_show: 'red', cancelled: 'gray' };

/** Who a session invites (priority group, then due date), their status, and after closing who did not come. */
export function InvitationsPage() {
  return (
    <RequireScope scope={(s) => s.includes('vaccination:read') && s.includes('people:read')}>
      <Invitations />
    </RequireScope>
  );
}

function Invitations() {
  const { t } = useTranslation();
  const { id } = route.useParams();
  const user = useUser();
  const vaccineName = useVaccineName();
  const queryClient = useQueryClient();
  const [offset, setOffset] = useState(0);
  const [noShowsOnly, setNoShowsOnly] = useState(false);
  const { session, site } = useSessionAndSite(id);
  const invitations = useQuery({
    queryKey: ['vaccination', 'invitations', id, offset],
    queryFn: ({ signal }) => v.listInvitations(id, { limit: PAGE, offset }, signal),
    placeholderData: keepPreviousData,
  });
  const generate = useMutation({
    mutationFn: () => v.generateInvitations(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['vaccination', 'invitations', id] }),
  });
  if (session.isPending) return <PageLoader />;
  if (session.isError) return <ProblemAlert error={session.error} />;
  const s = session.data;
  const items = invitations.data?.items ?? [];
  const counts = items.reduce<Record<string, number>>((acc, i) => ({ ...acc, [i.status]: (acc[i.status] ?? 0) + 1 }), {});
  const shown = noShowsOnly ? items.filter((i) => i.status === 'no_show') : items;
  const canInvite = hasScope(user, 'vaccination:write') && (s.status === 'planned' || s.status === 'open');
  const result = generate.data;
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <AnchorLink to="/vaccination/sites" size="sm">
          {t('vaccination.sites.title')}
        </AnchorLink>
        {site.data && (
          <AnchorLink to="/vaccination/sites/$id" params={{ id: site.data.id }} size="sm">
            {site.data.name}
          </AnchorLink>
        )}
        {hasScope(user, 'vaccination:write') ? (
          <AnchorLink to="/vaccination/sessions/$id" params={{ id }} size="sm">
            {formatDay(s.date)}
          </AnchorLink>
        ) : (
          <Text size="sm">{formatDay(s.date)}</Text>
        )}
        <Text size="sm">{t('vaccination.invitations.title')}</Text>
      </Breadcrumbs>
      <Group justify="space-between">
        <div>
          <Title order={1} size="h3">
            {t('vaccination.invitations.heading', { site: site.data?.name ?? '', date: formatDay(s.date) })}
          </Title>
          <Group gap="xs">
            <Text size="sm" c="dimmed">
              {s.vaccines.map(vaccineName).join(', ')} · {t('vaccination.invitations.capacity', { n: formatNumber(s.capacity) })}
            </Text>
            <Badge variant="light">{t(`vaccination.sessionStatus.${s.status}`)}</Badge>
          </Group>
        </div>
        {canInvite && (
          <Button size="md" loading={generate.isPending} onClick={() => generate.mutate()}>
            {t('vaccination.invitations.generate')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {t('vaccination.invitations.how')}
      </Text>
      <ProblemAlert error={generate.error} />
      {result && (
        <Alert color={result.invited > 0 ? 'green' : 'blue'} data-testid="invitation-result">
          <SimpleGrid cols={{ base: 2, sm: 3 }} spacing={4}>
            <Text size="sm" fw={600}>
              {t('vaccination.invitations.invited', { n: formatNumber(result.invited) })}
            </Text>
            <Text size="sm">{t('vaccination.invitations.already', { n: formatNumber(result.alreadyInvited), capacity: formatNumber(result.capacity) })}</Text>
            <Text size="sm">{t('vaccination.invitations.waiting', { n: formatNumber(result.waiting) })}</Text>
            <Text size="sm">{t('vaccination.invitations.notDue', { n: formatNumber(result.skippedNotDue) })}</Text>
            <Text size="sm">{t('vaccination.invitations.notEligible', { n: formatNumber(result.skippedNotEligible) })}</Text>
          </SimpleGrid>
        </Alert>
      )}
      {s.status === 'closed' && <Alert color="gray">{t('vaccination.invitations.closedNote')}</Alert>}
      <Card withBorder padding={0}>
        <Group justify="space-between" p="sm">
          <Group gap="xs">
            {(['invited', 'arrived', 'no_show', 'cancelled'] as const)
              .filter((st) => counts[st])
              .map((st) => (
                <Badge key={st} color={STATUS_COLOURS[st]} variant="light" data-testid={`count-${st}`}>
                  {t(`vaccination.invitationStatus.${st}`)}: {formatNumber(counts[st] ?? 0)}
                </Badge>
              ))}
          </Group>
          <Checkbox label={t('vaccination.invitations.noShowsOnly')} checked={noShowsOnly} onChange={(e) => setNoShowsOnly(e.currentTarget.checked)} />
        </Group>
        {invitations.isPending ? (
          <PageLoader />
        ) : invitations.isError ? (
          <ProblemAlert error={invitations.error} />
        ) : shown.length === 0 ? (
          <Text c="dimmed" size="sm" p="sm">
            {t('vaccination.invitations.empty')}
          </Text>
        ) : (
          <Table striped verticalSpacing="sm" data-testid="invitations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={50}>#</Table.Th>
                <Table.Th>{t('person.fullName')}</Table.Th>
                <Table.Th>{t('vaccination.invitations.group')}</Table.Th>
                <Table.Th>{t('vaccination.invitations.dueOn')}</Table.Th>
                <Table.Th>{t('vaccination.invitations.from')}</Table.Th>
                <Table.Th>{t('vaccination.registrations.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((i) => (
                <Table.Tr key={i.id}>
                  <Table.Td>{offset + items.indexOf(i) + 1}</Table.Td>
                  <Table.Td>
                    <AnchorLink to="/people/$id" params={{ id: i.personId }}>
                      {i.fullName}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td>{i.priorityRank ?? '—'}</Table.Td>
                  <Table.Td>{i.dueOn ? formatDay(i.dueOn) : t('vaccination.invitations.firstDose')}</Table.Td>
                  <Table.Td>{i.registrationId ? t('vaccination.invitations.fromRegistration') : t('vaccination.invitations.fromList')}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOURS[i.status]} variant="light">
                      {t(`vaccination.invitationStatus.${i.status}`)}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Pager offset={offset} count={items.length} hasMore={invitations.data?.hasMore ?? false} pageSize={PAGE} onPage={setOffset} />
      </Card>
    </Stack>
  );
}
