import { Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';

import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person } from '../api';
import { formatBirthDate, formatDateTime } from '../lib/format';
import { useLabels } from '../lib/labels';
import { Identifiers } from './Identifiers';
import { AnchorLink } from './links';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.3}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children ?? '—'}
      </Text>
    </div>
  );
}

/**
 * A person's record, read-only: the same view for officers and for a citizen looking at their own record. A citizen
 * is not shown the household: its members are other people's records, which a citizen account may not read.
 */
export function PersonDetails({ person, actions, ownRecord = false }: { person: Person; actions?: ReactNode; ownRecord?: boolean }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const members = person.household?.members.filter((m) => m.id !== person.id) ?? [];
  return (
    <Stack gap="md">
      <Card withBorder padding="lg">
        <Group justify="space-between" align="flex-start" mb="md" wrap="wrap">
          <div>
            <Title order={2} size="h3">
              {person.fullName}
            </Title>
            <Text size="sm" c="dimmed">
              {[formatBirthDate(person.birthDate), labels.sex(person.sex), person.areaLabel].filter(Boolean).join(' · ')}
            </Text>
          </div>
          {actions}
        </Group>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="md" verticalSpacing="sm">
          <Field label={t('person.birthDate')}>{formatBirthDate(person.birthDate)}</Field>
          <Field label={t('person.sex')}>{labels.sex(person.sex)}</Field>
          <Field label={t('person.phone')}>{person.phone ? <span className="sen-mono">{person.phone}</span> : '—'}</Field>
          <Field label={t('person.commune')}>{person.areaLabel ?? '—'}</Field>
          <Field label={t('person.address')}>{person.address || '—'}</Field>
          <Field label={t('person.identifiers')}>
            <Identifiers items={person.identifiers} />
          </Field>
        </SimpleGrid>
        <Text size="xs" c="dimmed" mt="md">
          {t('person.createdUpdated', { created: formatDateTime(person.createdAt), updated: formatDateTime(person.updatedAt) })} ·{' '}
          {t('person.version', { version: person.version })}
        </Text>
      </Card>

      {!ownRecord && (
        <Card withBorder padding="lg">
          <Group justify="space-between" mb="xs">
            <Title order={3} size="h5">
              {t('household.title')}
            </Title>
            {person.household && (
              <Badge variant="light" color="gray">
                {t('household.memberCount', { count: person.household.members.length })}
              </Badge>
            )}
          </Group>
          {!person.household ? (
            <Text size="sm" c="dimmed">
              {t('household.none')}
            </Text>
          ) : members.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('household.alone')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={480}>
              <Table fz="sm" verticalSpacing={4} striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('person.fullName')}</Table.Th>
                    <Table.Th>{t('person.birthDate')}</Table.Th>
                    <Table.Th>{t('person.sex')}</Table.Th>
                    <Table.Th>{t('person.identifiers')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {members.map((m) => (
                    <Table.Tr key={m.id}>
                      <Table.Td>
                        <AnchorLink to="/people/$id" params={{ id: m.id }} size="sm" fw={600}>
                          {m.fullName}
                        </AnchorLink>
                      </Table.Td>
                      <Table.Td>{formatBirthDate(m.birthDate)}</Table.Td>
                      <Table.Td>{labels.sex(m.sex)}</Table.Td>
                      <Table.Td>
                        <Identifiers items={m.identifiers} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
      )}
    </Stack>
  );
}
