import { Badge, Button, Card, Checkbox, Group, Modal, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AreaPicker } from '../../components/AreaPicker';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { PageLoader } from '../../components/vaccination/common';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatNumber } from '../../lib/format';
import { hasScope, useUser } from '../../lib/user';
import { TimeOfDayInput } from '../../components/vaccination/DayInput';

export function SitesPage() {
  return (
    <RequireScope scope="vaccination:read">
      <Sites />
    </RequireScope>
  );
}

export function weekdaysLabel(days: number[], t: (k: string) => string): string {
  return days.map((d) => t(`vaccination.weekday.${d}`)).join(', ');
}

function Sites() {
  const { t } = useTranslation();
  const user = useUser();
  const sites = useQuery({ queryKey: ['vaccination', 'sites'], queryFn: ({ signal }) => v.listSites({ limit: 500 }, signal) });
  const [creating, setCreating] = useState(false);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('vaccination.sites.title')}
        </Title>
        {hasScope(user, 'vaccination:write') && <Button onClick={() => setCreating(true)}>+ {t('vaccination.sites.add')}</Button>}
      </Group>
      {sites.isPending ? (
        <PageLoader />
      ) : sites.isError ? (
        <ProblemAlert error={sites.error} />
      ) : sites.data.items.length === 0 ? (
        <Text c="dimmed">{t('vaccination.sites.empty')}</Text>
      ) : (
        <Card withBorder padding={0}>
          <Table striped highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('vaccination.sites.name')}</Table.Th>
                <Table.Th>{t('vaccination.sites.kind')}</Table.Th>
                <Table.Th>{t('vaccination.sites.hours')}</Table.Th>
                <Table.Th ta="right">{t('vaccination.sites.capacity')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sites.data.items.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <AnchorLink to="/vaccination/sites/$id" params={{ id: s.id }} fw={600}>
                      {s.name}
                    </AnchorLink>
                    {s.address && (
                      <Text size="xs" c="dimmed">
                        {s.address}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{t(`vaccination.siteKind.${s.kind}`)}</Table.Td>
                  <Table.Td>
                    {s.opensAt}–{s.closesAt} · {weekdaysLabel(s.openingDays, t)}
                  </Table.Td>
                  <Table.Td ta="right">{formatNumber(s.capacityPerHour)}</Table.Td>
                  <Table.Td>{!s.active && <Badge color="gray">{t('vaccination.sites.inactive')}</Badge>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('vaccination.sites.add')} size="lg" closeOnClickOutside={false}>
        <SiteForm onDone={() => setCreating(false)} />
      </Modal>
    </Stack>
  );
}

function SiteForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [kind, setKind] = useState<string | null>('fixed');
  const [name, setName] = useState('');
  const [areaCode, setAreaCode] = useState<string | null>(null);
  const [address, setAddress] = useState('');
  const [capacity, setCapacity] = useState<number | string>(60);
  const [days, setDays] = useState<string[]>(['1', '2', '3', '4', '5', '6']);
  const [opensAt, setOpensAt] = useState('07:30');
  const [closesAt, setClosesAt] = useState('17:00');
  const create = useMutation({
    mutationFn: () =>
      v.createSite({
        kind: (kind ?? 'fixed') as v.SiteKind,
        name: name.trim(),
        areaCode: areaCode ?? '',
        address: address.trim() || null,
        capacityPerHour: Number(capacity),
        openingDays: days.map(Number).sort(),
        opensAt,
        closesAt,
      }),
    onSuccess: (site) => {
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'sites'] });
      onDone();
      void navigate({ to: '/vaccination/sites/$id', params: { id: site.id } });
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Stack gap="sm">
        <TextInput label={t('vaccination.sites.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={400} />
        <Select label={t('vaccination.sites.kind')} data={v.SITE_KINDS.map((k) => ({ value: k, label: t(`vaccination.siteKind.${k}`) }))} value={kind} onChange={setKind} />
        <AreaPicker label={t('person.commune')} kind="commune" value={areaCode} onChange={(c) => setAreaCode(c)} required />
        <TextInput label={t('person.address')} value={address} onChange={(e) => setAddress(e.currentTarget.value)} maxLength={500} />
        <NumberInput label={t('vaccination.sites.capacity')} value={capacity} onChange={setCapacity} min={1} max={10000} allowDecimal={false} />
        <Checkbox.Group label={t('vaccination.sites.openingDays')} value={days} onChange={setDays}>
          <Group gap="sm" mt={4}>
            {[1, 2, 3, 4, 5, 6, 7].map((d) => (
              <Checkbox key={d} value={String(d)} label={t(`vaccination.weekday.${d}`)} />
            ))}
          </Group>
        </Checkbox.Group>
        <Group grow>
          <TimeOfDayInput label={t('vaccination.sites.opensAt')} value={opensAt} onChange={setOpensAt} />
          <TimeOfDayInput label={t('vaccination.sites.closesAt')} value={closesAt} onChange={setClosesAt} />
        </Group>
        <ProblemAlert error={create.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={!name.trim() || !areaCode || days.length === 0} loading={create.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
