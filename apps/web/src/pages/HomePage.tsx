import { Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { roleName } from '../components/AppLayout';
import { hasScope, isStaff, useUser } from '../lib/user';
import { parseSmartQuery } from '../lib/smart-search';
import { AnchorLink } from '../components/links';

export function HomePage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const [q, setQ] = useState('');

  function search(e: FormEvent) {
    e.preventDefault();
    const criteria = parseSmartQuery(q);
    if (Object.keys(criteria).length === 0) return;
    void navigate({ to: '/people', search: criteria });
  }

  return (
    <Stack gap="lg" maw={960}>
      <div>
        <Title order={1} size="h2">
          {t('home.welcome', { name: user.displayName })}
        </Title>
        <Text c="dimmed">{t('app.fullName')}</Text>
      </div>

      {hasScope(user, 'people:read') && (
        <Card withBorder padding="lg">
          <form onSubmit={search}>
            <Text fw={600} mb="xs">
              {t('people.title')}
            </Text>
            <Group gap="sm" align="flex-end" wrap="nowrap">
              <TextInput
                name="q"
                style={{ flex: 1 }}
                placeholder={t('people.smartPlaceholder')}
                value={q}
                onChange={(e) => setQ(e.currentTarget.value)}
                aria-label={t('people.title')}
              />
              <Button type="submit">{t('common.search')}</Button>
            </Group>
            <Text size="xs" c="dimmed" mt={6}>
              {t('people.smartHelp')}
            </Text>
          </form>
        </Card>
      )}

      {hasScope(user, 'self:read') && !isStaff(user) && (
        <Card withBorder padding="lg">
          <Text fw={600}>{t('nav.me')}</Text>
          <Text size="sm" c="dimmed" mb="sm">
            {t('home.citizenText')}
          </Text>
          <Group>
            <Button component={Link} to="/me" variant="light">
              {t('home.openMyRecord')}
            </Button>
          </Group>
        </Card>
      )}

      <Card withBorder padding="lg">
        <Text fw={600} mb="xs">
          {t('home.yourRoles')}
        </Text>
        {user.roles.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('home.noRoles')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={420}>
            <Table fz="sm" verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('home.role')}</Table.Th>
                  <Table.Th>{t('home.jurisdiction')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {user.roles.map((r) => (
                  <Table.Tr key={`${r.code}@${r.areaCode}`}>
                    <Table.Td>
                      <Badge variant="light" color="sen" tt="none" radius="sm">
                        {roleName(r, i18n.language)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {isStaff(user) ? (
                        <AnchorLink to="/areas" search={{ code: r.areaCode }} size="sm">
                          {r.areaName}
                        </AnchorLink>
                      ) : (
                        r.areaName
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
