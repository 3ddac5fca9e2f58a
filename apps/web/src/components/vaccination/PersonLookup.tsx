import { Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../../api';
import { formatBirthDate } from '../../lib/format';
import { ProblemAlert } from '../ProblemAlert';

/** An ID number (9 or 12 digits, or a passport) is looked up as such; anything else as a name. */
function criteria(text: string): api.PeopleQuery {
  const t = text.trim();
  if (/^\d{9}$|^\d{12}$|^[A-Z]\d{7}$/i.test(t.replace(/\s/g, ''))) return { idNumber: t.replace(/\s/g, '') };
  return { q: t };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Finds a person by ID number or name and hands back the one picked; large rows for a tablet. A person id (what a
 * QR scanner types into the field) goes straight to onPickId when given.
 */
export function PersonLookup({ onPick, onPickId, actionLabel, size = 'lg' }: { onPick: (p: api.PersonSummary) => void; onPickId?: (id: string) => void; actionLabel: string; size?: 'md' | 'lg' }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [submitted, setSubmitted] = useState('');
  const results = useQuery({
    queryKey: ['people', 'lookup', submitted],
    queryFn: ({ signal }) => api.searchPeople({ ...criteria(submitted), limit: 10 }, signal),
    enabled: submitted.length >= 2,
  });
  return (
    <Stack gap="sm">
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const value = text.trim();
          if (onPickId && UUID.test(value)) {
            onPickId(value.toLowerCase());
            setText('');
          } else setSubmitted(value);
        }}
      >
        <Group align="flex-end" wrap="nowrap">
          <TextInput
            name="lookup"
            size={size}
            style={{ flex: 1 }}
            label={t('vaccination.lookup.label')}
            placeholder={t('vaccination.lookup.placeholder')}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
          />
          <Button type="submit" size={size}>
            {t('common.search')}
          </Button>
        </Group>
      </form>
      {results.isError && <ProblemAlert error={results.error} />}
      {results.data && results.data.items.length === 0 && <Text c="dimmed">{t('people.noResults')}</Text>}
      {results.data && results.data.items.length > 0 && (
        <Table verticalSpacing="sm">
          <Table.Tbody>
            {results.data.items.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Text fw={600}>{p.fullName}</Text>
                  <Text size="sm" c="dimmed">
                    {formatBirthDate(p.birthDate)}
                    {p.areaLabel ? ` · ${p.areaLabel}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Button size={size} onClick={() => onPick(p)} aria-label={`${actionLabel}: ${p.fullName}`}>
                    {actionLabel}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
