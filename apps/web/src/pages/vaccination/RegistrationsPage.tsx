import { Badge, Button, Card, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AreaPicker } from '../../components/AreaPicker';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { AreaName } from '../../components/vaccination/common';
import { PagedTable } from '../../components/vaccination/PagedTable';
import { PersonPicker } from '../../components/vaccination/PersonPicker';
import { RegisterPerson } from '../../components/vaccination/RegisterPerson';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatDate, formatDay } from '../../lib/format';
import { hasScope, useUser } from '../../lib/user';

const route = getRouteApi('/_app/vaccination/registrations');
const PAGE = 100;
const STATUSES: v.RegistrationStatus[] = ['active', 'done', 'cancelled'];

/** Staff register people who have no smartphone, and see the registrations of their jurisdiction. */
export function RegistrationsPage() {
  return (
    <RequireScope scope={(s) => s.includes('vaccination:read') && s.includes('people:read')}>
      <Registrations />
    </RequireScope>
  );
}

function Registrations() {
  const { t } = useTranslation();
  const user = useUser();
  const { personId } = route.useSearch();
  return (
    <Stack gap="md">
      <Title order={1} size="h3">
        {t('vaccination.registrations.title')}
      </Title>
      {hasScope(user, 'vaccination:write') && <RegisterSomeone key={personId ?? ''} personId={personId} />}
      <RegistrationList />
    </Stack>
  );
}

function RegisterSomeone({ personId }: { personId: string | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <PersonPicker
      title={t('vaccination.registrations.forPerson')}
      personId={personId}
      testId="registering-person"
      onChoose={(p) => void navigate({ to: '/vaccination/registrations', search: p ? { personId: p.id } : {} })}
    >
      {(person) => <RegisterPerson person={person} />}
    </PersonPicker>
  );
}

function RegistrationList() {
  const { t } = useTranslation();
  const user = useUser();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<v.RegistrationStatus | null>('active');
  const [area, setArea] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const query = { ...(status ? { status } : {}), ...(area ? { area } : {}), limit: PAGE, offset };
  const list = useQuery({ queryKey: ['vaccination', 'registrations', 'list', query], queryFn: ({ signal }) => v.listRegistrations(query, signal), placeholderData: keepPreviousData });
  const cancel = useMutation({
    mutationFn: (id: string) => v.cancelRegistration(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['vaccination', 'registrations'] }),
  });
  return (
    <Card withBorder padding={0}>
      <SimpleGrid cols={{ base: 1, sm: 2 }} p="sm">
        <Select
          label={t('vaccination.registrations.status')}
          data={STATUSES.map((s) => ({ value: s, label: t(`vaccination.registrationStatus.${s}`) }))}
          value={status}
          onChange={(s) => {
            setStatus(s as v.RegistrationStatus | null);
            setOffset(0);
          }}
          clearable
          placeholder={t('vaccination.registrations.allStatuses')}
        />
        <AreaPicker
          label={t('vaccination.targets.area')}
          value={area}
          onChange={(c) => {
            setArea(c);
            setOffset(0);
          }}
        />
      </SimpleGrid>
      <ProblemAlert error={cancel.error} />
      <PagedTable
        query={list}
        testId="registrations"
        minWidth={760}
        empty={t('vaccination.registrations.empty')}
        columns={[
          { label: t('person.fullName') },
          { label: t('vaccination.me.area') },
          { label: t('vaccination.me.preferredDate') },
          { label: t('vaccination.me.priorityGroup') },
          { label: t('vaccination.registrations.by') },
          { label: t('vaccination.registrations.status') },
          { label: '' },
        ]}
        row={(r) => (
          <Table.Tr key={r.id}>
            <Table.Td>
              <AnchorLink to="/people/$id" params={{ id: r.personId }}>
                {r.fullName ?? r.personId}
              </AnchorLink>
              <Text size="xs" c="dimmed">
                {formatDate(r.createdAt)}
              </Text>
            </Table.Td>
            <Table.Td>
              <AreaName code={r.areaCode} />
            </Table.Td>
            <Table.Td>{r.preferredDate ? formatDay(r.preferredDate) : '—'}</Table.Td>
            <Table.Td>{r.priorityGroup ?? '—'}</Table.Td>
            <Table.Td>{t(`vaccination.registrations.source.${r.source}`, { defaultValue: r.source })}</Table.Td>
            <Table.Td>
              <Badge variant="light">{t(`vaccination.registrationStatus.${r.status}`, { defaultValue: r.status })}</Badge>
            </Table.Td>
            <Table.Td>
              {hasScope(user, 'vaccination:write') && r.status === 'active' && (
                <Button size="compact-sm" variant="subtle" color="red" loading={cancel.isPending && cancel.variables === r.id} onClick={() => cancel.mutate(r.id)}>
                  {t('vaccination.me.cancelRegistration')}
                </Button>
              )}
            </Table.Td>
          </Table.Tr>
        )}
        paging={{ offset, pageSize: PAGE, onPage: setOffset }}
      />
    </Card>
  );
}
