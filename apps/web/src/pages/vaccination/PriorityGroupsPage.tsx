import { ActionIcon, Badge, Button, Card, Group, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { PageLoader } from '../../components/vaccination/common';
import { priorityGroupsQuery } from '../../components/vaccination/RegistrationForm';
import * as v from '../../components/vaccination/vaccinationApi';
import { holdsNationally, useUser } from '../../lib/user';

type Row = Omit<v.PriorityGroup, 'rank'>;

/** The priority groups (Resolution 21/NQ-CP): everyone reads them; a national administrator reorders, renames, adds or deactivates. */
export function PriorityGroupsPage() {
  return (
    <RequireScope scope="vaccination:read">
      <Groups />
    </RequireScope>
  );
}

function Groups() {
  const { t } = useTranslation();
  const user = useUser();
  const groups = useQuery(priorityGroupsQuery);
  const [editing, setEditing] = useState<Row[] | null>(null);
  const mayEdit = holdsNationally(user, 'vaccination:write');
  if (groups.isPending) return <PageLoader />;
  if (groups.isError) return <ProblemAlert error={groups.error} />;
  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('vaccination.groups.title')}
        </Title>
        {mayEdit && !editing && <Button onClick={() => setEditing(groups.data.items.map(({ rank: _rank, ...g }) => g))}>{t('common.edit')}</Button>}
      </Group>
      <Text size="sm" c="dimmed">
        {t('vaccination.groups.intro')}
      </Text>
      {editing ? (
        <GroupsEditor rows={editing} onChange={setEditing} onDone={() => setEditing(null)} />
      ) : (
        <Card withBorder padding={0}>
          <Table striped verticalSpacing="sm" data-testid="priority-groups">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={60}>{t('vaccination.groups.rank')}</Table.Th>
                <Table.Th w={90}>{t('vaccination.groups.code')}</Table.Th>
                <Table.Th>{t('vaccination.groups.nameVi')}</Table.Th>
                <Table.Th>{t('vaccination.groups.nameEn')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {groups.data.items.map((g) => (
                <Table.Tr key={g.code} opacity={g.active ? 1 : 0.55}>
                  <Table.Td fw={600}>{g.rank}</Table.Td>
                  <Table.Td>{g.code}</Table.Td>
                  <Table.Td>{g.nameVi}</Table.Td>
                  <Table.Td>{g.nameEn}</Table.Td>
                  <Table.Td>{!g.active && <Badge color="gray">{t('vaccination.groups.inactive')}</Badge>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </Stack>
  );
}

/** Every group in order: the server needs all of them (a group is never removed, only deactivated). */
function GroupsEditor({ rows, onChange, onDone }: { rows: Row[]; onChange: (rows: Row[]) => void; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const save = useMutation({
    mutationFn: () => v.updatePriorityGroups(rows.map((r) => ({ ...r, nameVi: r.nameVi.trim(), nameEn: r.nameEn.trim() }))),
    onSuccess: (data) => {
      queryClient.setQueryData(priorityGroupsQuery.queryKey, data);
      onDone();
    },
  });
  const set = (i: number, patch: Partial<Row>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...rows];
    const [row] = next.splice(i, 1);
    next.splice(i + by, 0, row!);
    onChange(next);
  };
  const newCode = code.trim().toUpperCase();
  const codeTaken = rows.some((r) => r.code.toUpperCase() === newCode);
  return (
    <Stack gap="sm">
      <Card withBorder padding={0}>
        <Table verticalSpacing="xs">
          <Table.Tbody>
            {rows.map((r, i) => (
              <Table.Tr key={r.code}>
                <Table.Td w={60} fw={600}>
                  {i + 1}
                </Table.Td>
                <Table.Td w={90}>{r.code}</Table.Td>
                <Table.Td>
                  <TextInput aria-label={`${t('vaccination.groups.nameVi')} ${r.code}`} value={r.nameVi} onChange={(e) => set(i, { nameVi: e.currentTarget.value })} maxLength={500} />
                </Table.Td>
                <Table.Td>
                  <TextInput aria-label={`${t('vaccination.groups.nameEn')} ${r.code}`} value={r.nameEn} onChange={(e) => set(i, { nameEn: e.currentTarget.value })} maxLength={500} />
                </Table.Td>
                <Table.Td w={120}>
                  <Switch label={t('vaccination.groups.active')} checked={r.active} onChange={(e) => set(i, { active: e.currentTarget.checked })} />
                </Table.Td>
                <Table.Td w={90}>
                  <Group gap={4} wrap="nowrap">
                    <ActionIcon variant="default" size="lg" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('vaccination.groups.up', { code: r.code })}>
                      ↑
                    </ActionIcon>
                    <ActionIcon variant="default" size="lg" disabled={i === rows.length - 1} onClick={() => move(i, 1)} aria-label={t('vaccination.groups.down', { code: r.code })}>
                      ↓
                    </ActionIcon>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Group align="flex-end">
        <TextInput
          label={t('vaccination.groups.newCode')}
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          error={newCode && (codeTaken || !/^[A-Z0-9_-]{1,20}$/.test(newCode)) ? t('vaccination.groups.codeProblem') : null}
          maxLength={20}
        />
        <Button
          variant="default"
          disabled={!newCode || codeTaken || !/^[A-Z0-9_-]{1,20}$/.test(newCode)}
          onClick={() => {
            onChange([...rows, { code: newCode, nameVi: '', nameEn: '', active: true }]);
            setCode('');
          }}
        >
          + {t('vaccination.groups.add')}
        </Button>
      </Group>
      <ProblemAlert error={save.error} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button loading={save.isPending} disabled={rows.some((r) => !r.nameVi.trim() || !r.nameEn.trim())} onClick={() => save.mutate()}>
          {t('common.save')}
        </Button>
      </Group>
    </Stack>
  );
}
