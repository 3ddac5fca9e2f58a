import { Alert, Center, Loader, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import { RequireScope } from '../components/NoAccess';
import { PersonDetails } from '../components/PersonDetails';
import { ProblemAlert } from '../components/ProblemAlert';
import { MyVaccination } from '../components/vaccination/MyVaccination';

export function MePage() {
  return (
    <RequireScope scope="self:read">
      <MyRecord />
    </RequireScope>
  );
}

function MyRecord() {
  const { t } = useTranslation();
  const me = useQuery({ queryKey: ['my-person'], queryFn: ({ signal }) => api.getMyPerson(signal) });
  return (
    <Stack gap="md" maw={1000}>
      <Title order={1} size="h3">
        {t('me.title')}
      </Title>
      {me.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : me.isError ? (
        <ProblemAlert error={me.error} />
      ) : me.data === null ? (
        <Alert color="blue" title={t('me.notLinkedTitle')}>
          {t('me.notLinked')}
        </Alert>
      ) : (
        <>
          <PersonDetails person={me.data} ownRecord />
          <MyVaccination communeCode={me.data.communeCode} />
        </>
      )}
    </Stack>
  );
}
