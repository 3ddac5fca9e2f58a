import { Alert, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatDateTime } from '../../lib/format';
import { ProblemAlert } from '../ProblemAlert';
import { PageLoader, useVaccineName } from './common';
import * as v from './vaccinationApi';
import { RegistrationForm } from './RegistrationForm';

const day = (iso: string) => formatDate(`${iso}T00:00:00`);

/** The citizen's doses, next due date and registrations, with a form to register for vaccination. */
export function MyVaccination({ communeCode }: { communeCode: string | null }) {
  const { t } = useTranslation();
  const history = useQuery({ queryKey: ['me', 'vaccination'], queryFn: ({ signal }) => v.myVaccination(signal), retry: false });
  return (
    <Card withBorder padding="md">
      <Title order={2} size="h4" mb="sm">
        {t('vaccination.me.title')}
      </Title>
      <DoseHistory history={history} testId="my-doses" />
      <Registrations communeCode={communeCode} />
    </Card>
  );
}

/** A person's vaccination history on their record, for staff who may read it (the read is audited by the server). */
export function PersonVaccination({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const history = useQuery({ queryKey: ['vaccination', 'history', personId], queryFn: ({ signal }) => v.personHistory(personId, signal), retry: false });
  return (
    <Card withBorder padding="md">
      <Title order={2} size="h4" mb="sm">
        {t('vaccination.person.title')}
      </Title>
      <DoseHistory history={history} testId="person-doses" />
    </Card>
  );
}

function DoseHistory({ history, testId }: { history: UseQueryResult<Awaited<ReturnType<typeof v.myVaccination>>>; testId: string }) {
  const { t } = useTranslation();
  const vaccineName = useVaccineName();
  return (
    <>
      {history.isPending ? (
        <PageLoader />
      ) : history.isError ? (
        <ProblemAlert error={history.error} />
      ) : history.data.doses.length === 0 ? (
        <Text c="dimmed">{t('vaccination.me.noDoses')}</Text>
      ) : (
        <Table verticalSpacing="sm" data-testid={testId}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('vaccination.me.date')}</Table.Th>
              <Table.Th>{t('vaccination.vaccine')}</Table.Th>
              <Table.Th>{t('vaccination.me.dose')}</Table.Th>
              <Table.Th>{t('vaccination.lot')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {history.data.doses.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>{day(d.administeredOn)}</Table.Td>
                <Table.Td>{vaccineName(d.vaccineCode)}</Table.Td>
                <Table.Td>
                  {t(`vaccination.doseKind.${d.doseKind}`, { n: d.doseNumber })}{' '}
                  {!d.verified && (
                    <Badge color="gray" variant="light">
                      {t('vaccination.me.unverified')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{d.lotNumber ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {history.data?.nextDue && (
        <Alert color="blue" mt="sm">
          {t('vaccination.nextDue', { date: day(history.data.nextDue.earliest) })}
          {history.data.nextDue.recommended !== history.data.nextDue.earliest ? ` · ${t('vaccination.me.recommended', { date: day(history.data.nextDue.recommended) })}` : ''}
        </Alert>
      )}
    </>
  );
}

function Registrations({ communeCode }: { communeCode: string | null }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const registrations = useQuery({ queryKey: ['me', 'registrations'], queryFn: ({ signal }) => v.myRegistrations(signal), retry: false });
  const [registered, setRegistered] = useState(false);
  const cancel = useMutation({
    mutationFn: (regId: string) => v.cancelRegistration(regId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['me', 'registrations'] }),
  });
  const items = registrations.data?.items ?? [];
  const invitations = registrations.data?.invitations ?? [];
  const open = items.some((r) => r.status === 'active');
  return (
    <Stack gap="sm" mt="md">
      <Text fw={600}>{t('vaccination.me.registrations')}</Text>
      {registrations.isError && <ProblemAlert error={registrations.error} />}
      {items.length === 0 && !registrations.isError && (
        <Text size="sm" c="dimmed">
          {t('vaccination.me.noRegistrations')}
        </Text>
      )}
      {items.map((r) => (
        <Group key={r.id} gap="xs" data-testid="my-registration">
          <Text size="sm">{formatDate(r.createdAt)}</Text>
          <Badge variant="light">{t(`vaccination.registrationStatus.${r.status}`, { defaultValue: r.status })}</Badge>
          {r.preferredDate && <Text size="sm">{t('vaccination.me.wantedOn', { date: day(r.preferredDate) })}</Text>}
          {r.priorityGroup && <Text size="sm">{r.priorityGroup}</Text>}
          {r.status === 'active' && (
            <Button size="compact-sm" variant="subtle" color="red" loading={cancel.isPending} onClick={() => cancel.mutate(r.id)}>
              {t('vaccination.me.cancelRegistration')}
            </Button>
          )}
        </Group>
      ))}
      <ProblemAlert error={cancel.error} />
      {invitations.length > 0 && (
        <Stack gap={4}>
          <Text fw={600}>{t('vaccination.me.invitations')}</Text>
          {invitations.map((i) => (
            <Group key={i.id} gap="xs">
              <Text size="sm">
                {day(i.sessionDate)} {formatDateTime(i.startsAt).slice(11, 16)}–{formatDateTime(i.endsAt).slice(11, 16)} · {i.siteName}
                {i.siteAddress ? `, ${i.siteAddress}` : ''}
              </Text>
              <Badge variant="light">{t(`vaccination.invitationStatus.${i.status}`)}</Badge>
            </Group>
          ))}
        </Stack>
      )}
      {registered && <Alert color="green">{t('vaccination.me.registered')}</Alert>}
      {!open && (
        <RegistrationForm
          communeCode={communeCode}
          submit={v.registerMe}
          submitLabel={t('vaccination.me.register')}
          onDone={() => {
            setRegistered(true);
            void queryClient.invalidateQueries({ queryKey: ['me', 'registrations'] });
          }}
        />
      )}
    </Stack>
  );
}
