import { Alert, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonSummary } from '../../api';
import { formatDate, formatDay } from '../../lib/format';
import { ProblemAlert } from '../ProblemAlert';
import { AreaName, PageLoader } from './common';
import { RegistrationForm } from './RegistrationForm';
import * as v from './vaccinationApi';

/** The registration form for one person (here and on the person's record); their open registration, if any, instead. */
export function RegisterPerson({ person }: { person: PersonSummary }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const existing = useQuery({
    queryKey: ['vaccination', 'registrations', 'person', person.id],
    queryFn: ({ signal }) => v.listRegistrations({ personId: person.id, limit: 20 }, signal),
  });
  const [done, setDone] = useState<v.Registration | null>(null);
  const cancel = useMutation({
    mutationFn: (id: string) => v.cancelRegistration(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['vaccination', 'registrations'] }),
  });
  if (existing.isPending) return <PageLoader />;
  if (existing.isError) return <ProblemAlert error={existing.error} />;
  const open = existing.data.items.find((r) => r.status === 'active');
  return (
    <Stack gap="sm">
      {existing.data.items.length > 0 && (
        <Stack gap={4} data-testid="person-registrations">
          {existing.data.items.map((r) => (
            <Group key={r.id} gap="xs">
              <Text size="sm">{formatDate(r.createdAt)}</Text>
              <Badge variant="light">{t(`vaccination.registrationStatus.${r.status}`, { defaultValue: r.status })}</Badge>
              <Text size="sm">
                <AreaName code={r.areaCode} />
              </Text>
              {r.preferredDate && <Text size="sm">{t('vaccination.me.wantedOn', { date: formatDay(r.preferredDate) })}</Text>}
              {r.priorityGroup && <Text size="sm">{r.priorityGroup}</Text>}
              <Text size="sm" c="dimmed">
                {t(`vaccination.registrations.source.${r.source}`, { defaultValue: r.source })}
              </Text>
              {r.status === 'active' && (
                <Button size="compact-sm" variant="subtle" color="red" loading={cancel.isPending} onClick={() => cancel.mutate(r.id)}>
                  {t('vaccination.me.cancelRegistration')}
                </Button>
              )}
            </Group>
          ))}
        </Stack>
      )}
      <ProblemAlert error={cancel.error} />
      {done && <Alert color="green">{t('vaccination.registrations.done', { name: person.fullName })}</Alert>}
      {!open && (
        <RegistrationForm
          communeCode={person.communeCode}
          submit={(body) => v.registerPerson({ ...body, personId: person.id })}
          submitLabel={t('vaccination.me.register')}
          onDone={(r) => {
            setDone(r);
            void queryClient.invalidateQueries({ queryKey: ['vaccination', 'registrations'] });
          }}
        />
      )}
    </Stack>
  );
}
