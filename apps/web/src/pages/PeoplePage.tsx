import { Button, Card, Center, Group, Loader, Modal, Stack, Text, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import { RequireScope } from '../components/NoAccess';
import { PeopleSearchForm } from '../components/PeopleSearchForm';
import { PeopleTable } from '../components/PeopleTable';
import { PersonForm, withoutEmpty } from '../components/PersonForm';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatNumber } from '../lib/format';
import { hasScope, useUser } from '../lib/user';
import type { PeopleSearch } from '../router';

const route = getRouteApi('/_app/people');
const PAGE_SIZE = 50;

export function PeoplePage() {
  return (
    <RequireScope scope="people:read">
      <People />
    </RequireScope>
  );
}

function People() {
  const { t } = useTranslation();
  const user = useUser();
  const search = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);

  const offset = Math.max(0, Number(search.offset ?? 0) || 0);
  const criteria = { q: search.q, idNumber: search.idNumber, phone: search.phone, birthYear: search.birthYear, area: search.area };
  const hasCriteria = Object.values(criteria).some(Boolean);

  const results = useQuery({
    queryKey: ['people', criteria, offset],
    queryFn: ({ signal }) => api.searchPeople({ ...criteria, limit: PAGE_SIZE, offset }, signal),
    enabled: hasCriteria,
    placeholderData: keepPreviousData,
  });

  const create = useMutation({
    mutationFn: (input: api.PersonInput) => api.createPerson(withoutEmpty(input)),
    onSuccess: (person) => {
      queryClient.setQueryData(['person', person.id], person);
      void queryClient.invalidateQueries({ queryKey: ['people'] });
      setCreating(false);
      void navigate({ to: '/people/$id', params: { id: person.id } });
    },
  });

  const setSearch = (s: PeopleSearch) => void navigate({ to: '/people', search: s });
  const page = (delta: number) => {
    const next = Math.max(0, offset + delta);
    void navigate({ to: '/people', search: { ...search, offset: next ? String(next) : undefined } });
  };

  const items = results.data?.items ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h3">
          {t('people.title')}
        </Title>
        {hasScope(user, 'people:write') && (
          <Button
            onClick={() => {
              create.reset();
              setCreating(true);
            }}
          >
            + {t('people.add')}
          </Button>
        )}
      </Group>

      <Card withBorder padding="md">
        <PeopleSearchForm key={JSON.stringify(criteria)} initial={criteria} onSearch={setSearch} />
      </Card>

      {!hasCriteria ? (
        <Text c="dimmed" size="sm">
          {t('people.enterCriteria')}
        </Text>
      ) : results.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : results.isError ? (
        <ProblemAlert error={results.error} />
      ) : items.length === 0 ? (
        <Card withBorder padding="lg">
          <Text c="dimmed">{t('people.noResults')}</Text>
        </Card>
      ) : (
        <Card withBorder padding={0} style={{ opacity: results.isPlaceholderData ? 0.6 : 1 }}>
          <PeopleTable people={items} />
          {(offset > 0 || results.data?.hasMore) && (
          <Group justify="space-between" p="sm">
            <Text size="sm" c="dimmed">
              {t('people.showing', { from: formatNumber(offset + 1), to: formatNumber(offset + items.length) })}
            </Text>
            <Group gap="xs">
              <Button size="xs" variant="default" disabled={offset === 0} onClick={() => page(-PAGE_SIZE)}>
                ← {t('common.previous')}
              </Button>
              <Button size="xs" variant="default" disabled={!results.data?.hasMore} onClick={() => page(PAGE_SIZE)}>
                {t('common.next')} →
              </Button>
            </Group>
          </Group>
          )}
        </Card>
      )}

      <Modal opened={creating} onClose={() => setCreating(false)} title={t('people.add')} size="lg" closeOnClickOutside={false}>
        <PersonForm
          onSubmit={(input) => create.mutate(input)}
          onCancel={() => setCreating(false)}
          submitting={create.isPending}
          error={create.error}
          submitLabel={t('people.create')}
        />
      </Modal>
    </Stack>
  );
}
