import { Button, Center, Stack } from '@mantine/core';
import type { ErrorComponentProps } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from './ProblemAlert';

export function RouteError({ error, reset }: ErrorComponentProps) {
  const { t } = useTranslation();
  return (
    <Center mih="50vh" p="md">
      <Stack maw={560} w="100%">
        <ProblemAlert error={error} />
        <Button variant="light" onClick={() => (reset ? reset() : window.location.reload())}>
          {t('common.retry')}
        </Button>
      </Stack>
    </Center>
  );
}
