import { Alert, Breadcrumbs, Button, Center, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import { RequireScope } from '../components/NoAccess';
import { PersonDetails } from '../components/PersonDetails';
import { changedFields, PersonForm, withoutEmpty } from '../components/PersonForm';
import { ProblemAlert } from '../components/ProblemAlert';
import { personQuery } from '../lib/queries';
import { hasScope, useUser } from '../lib/user';
import { AnchorLink } from '../components/links';
import { PersonVaccination } from '../components/vaccination/MyVaccination';
import { PersonCheckinActions } from '../components/checkins/PersonCheckinActions';
import { RegisterPerson } from '../components/vaccination/RegisterPerson';

const route = getRouteApi('/_app/people/$id');

export function PersonPage() {
  return (
    <RequireScope scope="people:read">
      <PersonView />
    </RequireScope>
  );
}

function PersonView() {
  const { t } = useTranslation();
  const { id } = route.useParams();
  const user = useUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const person = useQuery(personQuery(id));
  const [editing, setEditing] = useState(false);
  const [addingMember, setAddingMember] = useState(false);
  const [registering, setRegistering] = useState(false);

  const update = useMutation({
    mutationFn: (input: api.PersonInput) => {
      const current = person.data;
      if (!current) throw new Error('not loaded');
      return api.updatePerson(id, { ...changedFields(current, input), version: current.version });
    },
    onSuccess: (updated) => {
      queryClient.setQueryData(personQuery(id).queryKey, updated);
      void queryClient.invalidateQueries({ queryKey: ['people'] });
      setEditing(false);
    },
  });

  const addMember = useMutation({
    mutationFn: (input: api.PersonInput) => api.createPerson(withoutEmpty(input)),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ['person'] });
      void queryClient.invalidateQueries({ queryKey: ['people'] });
      setAddingMember(false);
      void navigate({ to: '/people/$id', params: { id: created.id } });
    },
  });

  if (person.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (person.isError) {
    const notFound = api.isApiError(person.error) && person.error.status === 404;
    return notFound ? (
      <Alert color="yellow" title={t('person.notFoundTitle')}>
        {t('person.notFound')}
      </Alert>
    ) : (
      <ProblemAlert error={person.error} />
    );
  }

  const p = person.data;
  const canWrite = hasScope(user, 'people:write') && !p.mergedInto;
  const conflict = api.isApiError(update.error) && update.error.status === 409 && update.error.code === 'version_conflict';

  async function reload() {
    update.reset();
    await person.refetch();
  }

  return (
    <Stack gap="md">
      <Breadcrumbs>
        <AnchorLink to="/people" size="sm">
          {t('people.title')}
        </AnchorLink>
        <Text size="sm">{p.fullName}</Text>
      </Breadcrumbs>

      {p.mergedInto && (
        <Alert color="orange" title={t('person.mergedTitle')}>
          <Text size="sm">{t('person.mergedText')}</Text>
          <AnchorLink to="/people/$id" params={{ id: p.mergedInto }} size="sm" fw={600}>
            {t('person.openSurvivor')}
          </AnchorLink>
        </Alert>
      )}

      <PersonDetails
        person={p}
        actions={
          canWrite ? (
            <Group gap="xs">
              {p.householdId && (
              <Button
                variant="default"
                onClick={() => {
                  addMember.reset();
                  setAddingMember(true);
                }}
              >
                + {t('household.addMember')}
              </Button>
              )}
              <Button
                onClick={() => {
                  update.reset();
                  setEditing(true);
                }}
              >
                {t('common.edit')}
              </Button>
            </Group>
          ) : null
        }
      />

      {!p.mergedInto && <PersonCheckinActions personId={p.id} />}
      {hasScope(user, 'vaccination:read') && !p.mergedInto && <PersonVaccination personId={p.id} />}
      {hasScope(user, 'vaccination:write') && !p.mergedInto && (
        <Group gap="xs">
          <Button variant="light" onClick={() => setRegistering(true)}>
            {t('vaccination.registrations.registerThis')}
          </Button>
          <Button variant="default" onClick={() => void navigate({ to: '/vaccination/backfills', search: { personId: p.id } })}>
            {t('vaccination.backfill.forThis')}
          </Button>
        </Group>
      )}

      <Modal opened={registering} onClose={() => setRegistering(false)} title={t('vaccination.registrations.forName', { name: p.fullName })} size="lg">
        <RegisterPerson person={p} />
      </Modal>

      <Modal opened={editing} onClose={() => setEditing(false)} title={t('person.editTitle')} size="lg" closeOnClickOutside={false}>
        {conflict && (
          <Alert color="orange" title={t('person.conflictTitle')} mb="md" role="alert">
            <Text size="sm" mb="xs">
              {t('person.conflictText')}
            </Text>
            <Button
              size="xs"
              variant="light"
              color="orange"
              onClick={() => {
                setEditing(false);
                void reload();
              }}
            >
              {t('person.reload')}
            </Button>
          </Alert>
        )}
        <PersonForm
          key={`${p.id}:${p.version}`}
          initial={p}
          onSubmit={(input) => update.mutate(input)}
          onCancel={() => setEditing(false)}
          submitting={update.isPending}
          error={conflict ? null : update.error}
        />
      </Modal>

      <Modal opened={addingMember} onClose={() => setAddingMember(false)} title={t('household.addMember')} size="lg" closeOnClickOutside={false}>
        <PersonForm
          defaults={{
            sex: 'unknown',
            address: p.address,
            communeCode: p.communeCode,
            ...(p.householdId ? { householdId: p.householdId } : {}),
          }}
          onSubmit={(input) => addMember.mutate(input)}
          onCancel={() => setAddingMember(false)}
          submitting={addMember.isPending}
          error={addMember.error}
          submitLabel={t('people.create')}
        />
      </Modal>
    </Stack>
  );
}
