import { Button, Card, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person, PersonSummary } from '../../api';
import { formatBirthDate } from '../../lib/format';
import { personQuery } from '../../lib/queries';
import { ProblemAlert } from '../ProblemAlert';
import { PageLoader } from './common';
import { PersonLookup } from './PersonLookup';

/**
 * A card for work on one person: the person named by the page's URL (`personId`, when staff came from the person's
 * record), or a lookup to find them. `onChoose` puts the choice in the URL; `children` is the work once chosen.
 */
export function PersonPicker({ title, personId, onChoose, testId, children }: { title: string; personId: string | undefined; onChoose: (p: PersonSummary | null) => void; testId: string; children: (person: Person) => ReactNode }) {
  const { t } = useTranslation();
  const given = useQuery({ ...personQuery(personId ?? ''), enabled: !!personId });
  const picked = personId ? (given.data ?? null) : null;
  return (
    <Card withBorder>
      <Text fw={600} mb="sm">
        {title}
      </Text>
      {given.isError && <ProblemAlert error={given.error} />}
      {personId && given.isPending ? (
        <PageLoader />
      ) : picked ? (
        <Stack gap="sm">
          <Group justify="space-between">
            <div>
              <Text fw={700} size="lg" data-testid={testId}>
                {picked.fullName}
              </Text>
              <Text size="sm" c="dimmed">
                {formatBirthDate(picked.birthDate)}
                {picked.areaLabel ? ` · ${picked.areaLabel}` : ''}
              </Text>
            </div>
            <Button variant="subtle" onClick={() => onChoose(null)}>
              {t('vaccination.registrations.other')}
            </Button>
          </Group>
          {children(picked)}
        </Stack>
      ) : (
        <PersonLookup size="md" actionLabel={t('vaccination.registrations.pick')} onPick={(p) => onChoose(p)} />
      )}
    </Card>
  );
}
