import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Center mih="60vh">
      <Stack align="center" gap="xs">
        <Title order={2}>404</Title>
        <Text c="dimmed">{t('errors.pageNotFound')}</Text>
        <Button component={Link} to="/" variant="light">
          {t('nav.home')}
        </Button>
      </Stack>
    </Center>
  );
}
