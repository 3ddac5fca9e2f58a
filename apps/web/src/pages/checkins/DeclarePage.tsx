import { Alert, Badge, Button, Card, Checkbox, Group, SegmentedControl, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { vnToday } from '@sen/domain';
import { AreaPicker } from '../../components/AreaPicker';
import { AnchorLink } from '../../components/links';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import * as c from '../../components/checkins/checkinsApi';
import { PageLoader } from '../../components/vaccination/common';
import { formatDate, formatDateTime } from '../../lib/format';
import { personQuery } from '../../lib/queries';

type Kind = 'daily' | 'domestic_travel' | 'entry';

export function DeclarePage() {
  return (
    <RequireScope scope="self:read">
      <Declare />
    </RequireScope>
  );
}

const personRoute = getRouteApi('/_app/people/$id/declare');

/** Staff declare for a person (people:write where they live): for people without a phone, at a checkpoint or a home visit. */
export function PersonDeclarePage() {
  return (
    <RequireScope scope="people:write">
      <PersonDeclare />
    </RequireScope>
  );
}

function PersonDeclare() {
  const { id } = personRoute.useParams();
  const person = useQuery(personQuery(id));
  if (person.isPending) return <PageLoader />;
  if (person.isError) return <ProblemAlert error={person.error} />;
  return <Declare person={{ id, fullName: person.data.fullName }} />;
}

/**
 * Health declarations: daily, domestic travel and entry; warning answers raise an alert for the commune's tracers.
 * For oneself, or (staff) for `person`.
 */
function Declare({ person }: { person?: { id: string; fullName: string } }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const codes = useQuery({ queryKey: ['declarations', 'codes'], queryFn: ({ signal }) => c.getDeclarationCodes(signal), staleTime: Infinity });
  const listKey = person ? ['declarations', 'person', person.id] : ['declarations', 'mine'];
  const mine = useQuery({ queryKey: listKey, queryFn: ({ signal }) => (person ? c.getPersonDeclarations(person.id, signal) : c.getMyDeclarations(signal)) });
  const [kind, setKind] = useState<Kind>('daily');
  const [symptoms, setSymptoms] = useState<string[]>([]);
  const [exposures, setExposures] = useState<string[]>([]);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [vehicle, setVehicle] = useState<string | null>(null);
  const [vehicleNumber, setVehicleNumber] = useState('');
  const [day, setDay] = useState(vnToday());
  const [country, setCountry] = useState('');
  const [transport, setTransport] = useState<string | null>(null);
  const [flight, setFlight] = useState('');
  const [destination, setDestination] = useState<string | null>(null);
  // One id per filled-in form: a double press or a retry stores one declaration.
  const [formId, setFormId] = useState(() => c.newClientId());
  const submit = useMutation({
    mutationFn: (body: Record<string, unknown>) => (person ? c.submitPersonDeclaration(person.id, body) : c.submitMyDeclaration(body)),
    onSuccess: async () => {
      setFormId(c.newClientId());
      setSymptoms([]);
      setExposures([]);
      await qc.invalidateQueries({ queryKey: listKey });
    },
  });
  const label = (x: c.CodeLabel) => (i18n.language === 'en' ? x.en : x.vi);
  if (codes.isPending) return <PageLoader />;
  if (codes.isError) return <ProblemAlert error={codes.error} />;

  function send(e: FormEvent) {
    e.preventDefault();
    const common = { id: formId, symptoms, exposures };
    if (kind === 'daily') submit.mutate({ kind, ...common });
    else if (kind === 'domestic_travel') submit.mutate({ kind, ...common, fromAreaCode: from ?? '', toAreaCode: to ?? '', vehicle: vehicle ?? '', travelDate: day, ...(vehicleNumber.trim() ? { vehicleNumber: vehicleNumber.trim() } : {}) });
    else submit.mutate({ kind, ...common, country: country.trim().toUpperCase(), transport: transport ?? '', flightOrVehicle: flight.trim(), arrivalDate: day, destinationCommuneCode: destination ?? '' });
  }
  const last = submit.data;

  return (
    <Stack gap="md" maw={860}>
      {person && (
        <AnchorLink to="/people/$id" params={{ id: person.id }} size="sm">
          ← {person.fullName}
        </AnchorLink>
      )}
      <Title order={1} size="h3">
        {person ? t('checkins.declare.forPerson', { name: person.fullName }) : t('checkins.declare.title')}
      </Title>
      <Card withBorder component="form" onSubmit={send}>
        <Stack gap="sm">
          <SegmentedControl
            value={kind}
            onChange={(v) => setKind(v as Kind)}
            data={(['daily', 'domestic_travel', 'entry'] as const).map((k) => ({ value: k, label: t(`checkins.declare.kind.${k}`) }))}
          />
          {kind === 'domestic_travel' && (
            <>
              <Group grow align="flex-start">
                <AreaPicker label={t('checkins.declare.from')} value={from} onChange={(code) => setFrom(code)} required />
                <AreaPicker label={t('checkins.declare.to')} value={to} onChange={(code) => setTo(code)} required />
              </Group>
              <Group grow align="flex-start">
                <Select label={t('checkins.declare.vehicle')} data={codes.data.vehicles.map((v) => ({ value: v.code, label: label(v) }))} value={vehicle} onChange={setVehicle} required />
                <TextInput label={t('checkins.declare.vehicleNumber')} value={vehicleNumber} onChange={(e) => setVehicleNumber(e.currentTarget.value)} maxLength={40} />
                <TextInput type="date" label={t('checkins.declare.travelDate')} value={day} onChange={(e) => setDay(e.currentTarget.value)} required />
              </Group>
            </>
          )}
          {kind === 'entry' && (
            <>
              <Group grow align="flex-start">
                <TextInput label={t('checkins.declare.country')} placeholder="KR" value={country} onChange={(e) => setCountry(e.currentTarget.value)} maxLength={2} required />
                <Select label={t('checkins.declare.transport')} data={codes.data.entryTransports.map((v) => ({ value: v.code, label: label(v) }))} value={transport} onChange={setTransport} required />
                <TextInput label={t('checkins.declare.flight')} value={flight} onChange={(e) => setFlight(e.currentTarget.value)} maxLength={40} required />
              </Group>
              <Group grow align="flex-start">
                <TextInput type="date" label={t('checkins.declare.arrivalDate')} value={day} onChange={(e) => setDay(e.currentTarget.value)} required />
                <AreaPicker kind="commune" label={t('checkins.declare.destination')} value={destination} onChange={(code) => setDestination(code)} required />
              </Group>
            </>
          )}
          <Checkbox.Group label={t('checkins.declare.symptoms')} value={symptoms} onChange={setSymptoms}>
            <Group gap="md" mt={4}>
              {codes.data.symptoms.map((s) => (
                <Checkbox key={s.code} value={s.code} label={label(s)} />
              ))}
            </Group>
          </Checkbox.Group>
          <Checkbox.Group label={t('checkins.declare.exposures')} value={exposures} onChange={setExposures}>
            <Stack gap={4} mt={4}>
              {codes.data.exposures.map((s) => (
                <Checkbox key={s.code} value={s.code} label={label(s)} />
              ))}
            </Stack>
          </Checkbox.Group>
          <ProblemAlert error={submit.error} />
          {last && (
            <Alert color={last.warnings.length > 0 ? 'orange' : 'green'} data-testid="declare-done">
              {last.warnings.length > 0 ? t('checkins.declare.doneWarning') : t('checkins.declare.done')}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={submit.isPending}>
              {t('checkins.declare.submit')}
            </Button>
          </Group>
        </Stack>
      </Card>
      <Title order={2} size="h4">
        {person ? t('checkins.declare.theirs') : t('checkins.declare.mine')}
      </Title>
      {mine.data && mine.data.items.length === 0 && <Text c="dimmed">{t('checkins.declare.none')}</Text>}
      {mine.data && mine.data.items.length > 0 && (
        <Table striped>
          <Table.Tbody>
            {mine.data.items.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>{formatDate(d.declaredFor)}</Table.Td>
                <Table.Td>{t(`checkins.declare.kind.${d.kind}`)}</Table.Td>
                <Table.Td>{d.warnings.length > 0 ? <Badge color="orange">{t('checkins.declare.warning')}</Badge> : <Badge color="green">{t('checkins.declare.noWarning')}</Badge>}</Table.Td>
                <Table.Td>{formatDateTime(d.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
