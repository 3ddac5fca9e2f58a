import { Badge, Button, Card, Group, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AreaPicker } from '../../components/AreaPicker';
import { AnchorLink } from '../../components/links';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import * as c from '../../components/checkins/checkinsApi';
import { PageLoader } from '../../components/vaccination/common';
import { hasScope, useUser } from '../../lib/user';

const canSee = (scopes: string[]) => scopes.includes('business:manage') || scopes.includes('people:read');

export function VenuesPage() {
  return (
    <RequireScope scope={canSee}>
      <Venues />
    </RequireScope>
  );
}

/** My venues (a business administrator) or the venues of my communes (staff), and registering a new one. */
function Venues() {
  const { t } = useTranslation();
  const user = useUser();
  const owner = hasScope(user, 'business:manage');
  const venues = useQuery({ queryKey: ['venues', owner], queryFn: ({ signal }) => c.listVenues(owner ? { mine: true, limit: 200 } : { limit: 200 }, signal) });
  const canRegister = owner || hasScope(user, 'people:write');
  return (
    <Stack gap="md" maw={1100}>
      <Title order={1} size="h3">
        {t('checkins.venues.title')}
      </Title>
      {venues.isPending ? (
        <PageLoader />
      ) : venues.isError ? (
        <ProblemAlert error={venues.error} />
      ) : venues.data.items.length === 0 ? (
        <Text c="dimmed">{t('checkins.venues.empty')}</Text>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('checkins.venues.name')}</Table.Th>
              <Table.Th>{t('checkins.venues.type')}</Table.Th>
              <Table.Th>{t('checkins.venues.address')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {venues.data.items.map((v) => (
              <Table.Tr key={v.id}>
                <Table.Td>
                  <AnchorLink to="/venues/$id" params={{ id: v.id }}>
                    {v.name}
                  </AnchorLink>
                </Table.Td>
                <Table.Td>{t(`checkins.venueType.${v.type}`)}</Table.Td>
                <Table.Td>{v.address ?? '—'}</Table.Td>
                <Table.Td>{!v.active && <Badge color="gray">{t('checkins.venues.inactive')}</Badge>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canRegister && <RegisterVenue staff={!owner} />}
    </Stack>
  );
}

function RegisterVenue({ staff }: { staff: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [type, setType] = useState<c.VenueType>('business');
  const [address, setAddress] = useState('');
  const [commune, setCommune] = useState<string | null>(null);
  const [hours, setHours] = useState('');
  const [visit, setVisit] = useState<number | string>(60);
  const [ownerUserId, setOwnerUserId] = useState('');
  const [latitude, setLatitude] = useState<number | string>('');
  const [longitude, setLongitude] = useState<number | string>('');
  const register = useMutation({
    mutationFn: c.registerVenue,
    onSuccess: async (v) => {
      await qc.invalidateQueries({ queryKey: ['venues'] });
      await navigate({ to: '/venues/$id', params: { id: v.id } });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    register.mutate({
      name: name.trim(),
      type,
      address: address.trim() || null,
      communeCode: commune ?? '',
      openingHours: hours.trim() || null,
      defaultVisitMinutes: typeof visit === 'number' ? visit : Number(visit) || 60,
      // Both or neither: the server names the missing one.
      ...(latitude !== '' || longitude !== '' ? { latitude: latitude === '' ? null : Number(latitude), longitude: longitude === '' ? null : Number(longitude) } : {}),
      ...(staff && ownerUserId.trim() ? { ownerUserId: ownerUserId.trim() } : {}),
    });
  }
  return (
    <Card withBorder component="form" onSubmit={submit} aria-label={t('checkins.venues.register')}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('checkins.venues.register')}
        </Title>
        <Group grow align="flex-start">
          <TextInput name="name" label={t('checkins.venues.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={300} />
          <Select
            name="type"
            label={t('checkins.venues.type')}
            data={c.VENUE_TYPES.map((v) => ({ value: v, label: t(`checkins.venueType.${v}`) }))}
            value={type}
            onChange={(v) => v && setType(v as c.VenueType)}
            allowDeselect={false}
          />
        </Group>
        <TextInput name="address" label={t('checkins.venues.address')} value={address} onChange={(e) => setAddress(e.currentTarget.value)} maxLength={600} />
        <AreaPicker name="communeCode" kind="commune" label={t('checkins.venues.commune')} value={commune} onChange={(code) => setCommune(code)} required />
        <Group grow align="flex-start">
          <TextInput name="openingHours" label={t('checkins.venues.hours')} placeholder="07:00–21:00" value={hours} onChange={(e) => setHours(e.currentTarget.value)} maxLength={300} />
          <NumberInput name="defaultVisitMinutes" label={t('checkins.venues.visitMinutes')} min={5} max={720} value={visit} onChange={setVisit} />
        </Group>
        <Group grow align="flex-start">
          <NumberInput name="latitude" label={t('checkins.venues.latitude')} description={t('checkins.venues.pointHint')} placeholder="21.0341" decimalScale={6} min={7} max={23.5} value={latitude} onChange={setLatitude} />
          <NumberInput name="longitude" label={t('checkins.venues.longitude')} placeholder="105.8372" decimalScale={6} min={102} max={118} value={longitude} onChange={setLongitude} />
        </Group>
        {staff && (
          <TextInput name="ownerUserId" label={t('checkins.venues.owner')} description={t('checkins.venues.ownerHint')} value={ownerUserId} onChange={(e) => setOwnerUserId(e.currentTarget.value)} />
        )}
        <ProblemAlert error={register.error} />
        <Group>
          <Button type="submit" loading={register.isPending}>
            {t('checkins.venues.registerButton')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
