import { Table, Text } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { PersonSummary } from '../api';
import { formatBirthDate } from '../lib/format';
import { useLabels } from '../lib/labels';
import { Identifiers } from './Identifiers';
import { AnchorLink } from './links';

/** Dense result table; a row opens the person's record. */
export function PeopleTable({ people, highlightId }: { people: PersonSummary[]; highlightId?: string }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const navigate = useNavigate();
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped highlightOnHover verticalSpacing={6} fz="sm" stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('person.fullName')}</Table.Th>
            <Table.Th w={110}>{t('person.birthDate')}</Table.Th>
            <Table.Th w={90}>{t('person.sex')}</Table.Th>
            <Table.Th>{t('person.communeProvince')}</Table.Th>
            <Table.Th>{t('person.identifiers')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {people.map((p) => (
            <Table.Tr
              key={p.id}
              className="sen-row-link"
              bg={p.id === highlightId ? 'sen.0' : undefined}
              onClick={(e) => {
                if ((e.target as HTMLElement).closest('a')) return;
                void navigate({ to: '/people/$id', params: { id: p.id } });
              }}
            >
              <Table.Td>
                <AnchorLink to="/people/$id" params={{ id: p.id }} fw={600} size="sm">
                  {p.fullName}
                </AnchorLink>
              </Table.Td>
              <Table.Td>{formatBirthDate(p.birthDate)}</Table.Td>
              <Table.Td>{labels.sex(p.sex)}</Table.Td>
              <Table.Td>
                <Text size="sm">{p.areaLabel ?? '—'}</Text>
              </Table.Td>
              <Table.Td>
                <Identifiers items={p.identifiers} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
