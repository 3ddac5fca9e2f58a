import { Alert, Box, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useRouter } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useErrorMessage } from '../components/ProblemAlert';
import { SenLogo } from '../components/SenLogo';
import { meQuery } from '../lib/queries';
import { safeRedirect } from '../lib/redirect';

const route = getRouteApi('/login');

export function LoginPage() {
  const { t } = useTranslation();
  const { redirect } = route.useSearch();
  const router = useRouter();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);

  const mutation = useMutation({
    mutationFn: () => api.login(username.trim(), password),
    onSuccess: async (user) => {
      queryClient.setQueryData(meQuery.queryKey, user);
      router.history.push(safeRedirect(redirect));
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!username.trim() || !password) {
      setMissing(true);
      return;
    }
    setMissing(false);
    mutation.mutate();
  }

  const err = mutation.error;
  // A translated headline for the common cases, and the server's own sentence (its `detail`) underneath.
  const headline = missing
    ? t('login.missing')
    : !err
      ? null
      : api.isApiError(err) && err.status === 401
        ? t('login.badCredentials')
        : api.isApiError(err) && err.status === 429
          ? t('login.rateLimited')
          : errorMessage(err);
  const detail = !missing && api.isApiError(err) && err.status > 0 && err.message && err.message !== headline ? err.message : null;

  return (
    <Box mih="100vh" bg="gray.1">
      <Box bg="sen.9" c="white" py="sm" px="md">
        <Group justify="space-between">
          <Group gap={8}>
            <SenLogo size={28} />
            <Text fw={700} size="lg">
              Sen
            </Text>
          </Group>
          <LanguageSwitch variant="dark" />
        </Group>
      </Box>
      <Center px="md" py={48}>
        <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
          <form onSubmit={submit} noValidate>
            <Stack gap="md">
              <div>
                <Title order={1} size="h3">
                  {t('login.title')}
                </Title>
                <Text size="sm" c="dimmed">
                  {t('app.fullName')}
                </Text>
              </div>
              {headline && (
                <Alert color="red" variant="light" role="alert" data-testid="login-error" title={headline}>
                  {detail}
                </Alert>
              )}
              <TextInput
                name="username"
                label={t('login.username')}
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                required
                autoFocus
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
              />
              <PasswordInput
                name="password"
                label={t('login.password')}
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              <Button type="submit" fullWidth loading={mutation.isPending}>
                {t('login.submit')}
              </Button>
            </Stack>
          </form>
        </Paper>
      </Center>
      <Text ta="center" size="xs" c="dimmed" pb="md">
        {t('login.footer')}
      </Text>
    </Box>
  );
}
