import { Alert, Badge, Button, Card, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { catalogQuery, useVaccineName } from '../../components/vaccination/common';
import { PagedTable } from '../../components/vaccination/PagedTable';
import { DayInput } from '../../components/vaccination/DayInput';
import { DoseRefusal, problemsOf } from '../../components/vaccination/DoseRefusal';
import { PersonPicker } from '../../components/vaccination/PersonPicker';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatDateTime, formatDay } from '../../lib/format';
import { hasScope, useUser } from '../../lib/user';

const route = getRouteApi('/_app/vaccination/backfills');
const PAGE = 50;
const queueKey = ['vaccination', 'backfills', 'unverified'];

/**
 * Doses given earlier or elsewhere and never entered: recorded with their source and evidence, they wait unverified
 * until someone other than their recorder confirms or rejects them.
 */
export function BackfillPage() {
  return (
    <RequireScope scope={(s) => s.includes('vaccination:read') && s.includes('people:read')}>
      <Backfill />
    </RequireScope>
  );
}

function Backfill() {
  const { t } = useTranslation();
  const user = useUser();
  const { personId } = route.useSearch();
  return (
    <Stack gap="md">
      <Title order={1} size="h3">
        {t('vaccination.backfill.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('vaccination.backfill.intro')}
      </Text>
      {hasScope(user, 'vaccination:write') && <BackfillPerson key={personId ?? ''} personId={personId} />}
      <ReviewQueue />
    </Stack>
  );
}

function BackfillPerson({ personId }: { personId: string | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <PersonPicker
      title={t('vaccination.backfill.record')}
      personId={personId}
      testId="backfill-person"
      onChoose={(p) => void navigate({ to: '/vaccination/backfills', search: p ? { personId: p.id } : {} })}
    >
      {(person) => <BackfillForm personId={person.id} />}
    </PersonPicker>
  );
}

function BackfillForm({ personId }: { personId: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const catalog = useQuery(catalogQuery);
  const [id, setId] = useState(() => v.clientId());
  const [vaccine, setVaccine] = useState<string | null>(null);
  const [administeredOn, setAdministeredOn] = useState('');
  const [doseNumber, setDoseNumber] = useState<number | string>('');
  const [component, setComponent] = useState<string | null>(null);
  const [lotNumber, setLotNumber] = useState('');
  const [place, setPlace] = useState('');
  const [source, setSource] = useState('');
  const [evidence, setEvidence] = useState('');
  const [saved, setSaved] = useState<v.BackfilledDose | null>(null);
  const components = catalog.data?.vaccines.find((x) => x.code === vaccine)?.components ?? null;
  const record = useMutation({
    mutationFn: (overrideReason: string | null) =>
      v.recordBackfill({
        id,
        personId,
        vaccineCode: vaccine!,
        administeredOn,
        source: source.trim(),
        evidenceNote: evidence.trim(),
        ...(typeof doseNumber === 'number' ? { doseNumber } : {}),
        ...(component ? { component } : {}),
        ...(lotNumber.trim() ? { lotNumber: lotNumber.trim() } : {}),
        ...(place.trim() ? { place: place.trim() } : {}),
        ...(overrideReason ? { override: { reason: overrideReason } } : {}),
      }),
    onSuccess: (dose) => {
      setSaved(dose);
      setId(v.clientId());
      setAdministeredOn('');
      setDoseNumber('');
      setLotNumber('');
      setEvidence('');
      void queryClient.invalidateQueries({ queryKey: queueKey });
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'history', personId] });
    },
  });
  const refused = problemsOf(record.error).length > 0;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(null);
        record.mutate(null);
      }}
    >
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
          <Select
            label={t('vaccination.vaccine')}
            name="backfillVaccine"
            data={(catalog.data?.vaccines ?? []).map((x) => ({ value: x.code, label: i18n.language === 'en' ? x.nameEn : x.nameVi }))}
            value={vaccine}
            onChange={(x) => {
              setVaccine(x);
              setComponent(null);
              record.reset();
            }}
            required
          />
          <DayInput label={t('vaccination.backfill.day')} name="administeredOn" value={administeredOn} onChange={setAdministeredOn} required />
          <NumberInput label={t('vaccination.backfill.doseNumber')} description={t('vaccination.backfill.doseNumberHelp')} value={doseNumber} onChange={setDoseNumber} min={1} max={20} allowDecimal={false} />
          <TextInput label={t('vaccination.lot')} name="lotNumber" value={lotNumber} onChange={(e) => setLotNumber(e.currentTarget.value)} maxLength={60} />
        </SimpleGrid>
        {components && <Select label={t('vaccination.catalog.component')} data={components} value={component} onChange={setComponent} w={220} />}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('vaccination.backfill.place')} placeholder={t('vaccination.backfill.placeHint')} name="place" value={place} onChange={(e) => setPlace(e.currentTarget.value)} maxLength={500} />
          <TextInput label={t('vaccination.backfill.source')} placeholder={t('vaccination.backfill.sourceHint')} name="source" value={source} onChange={(e) => setSource(e.currentTarget.value)} maxLength={500} required />
        </SimpleGrid>
        <Textarea label={t('vaccination.backfill.evidence')} placeholder={t('vaccination.backfill.evidenceHint')} name="evidenceNote" value={evidence} onChange={(e) => setEvidence(e.currentTarget.value)} maxLength={2000} autosize minRows={2} required />
        <DoseRefusal
          size="md"
          error={record.error}
          pending={record.isPending}
          onOverride={(reason) => record.mutate(reason)}
          onCancel={() => {
            record.reset();
            setId(v.clientId());
          }}
        />
        {saved && (
          <Alert color="green" data-testid="backfill-saved">
            {t('vaccination.backfill.saved', { dose: t(`vaccination.doseKind.${saved.doseKind}`, { n: saved.doseNumber }) })}
          </Alert>
        )}
        {!refused && (
          <Group>
            <Button type="submit" disabled={!vaccine || !administeredOn || !source.trim() || !evidence.trim()} loading={record.isPending}>
              {t('vaccination.backfill.submit')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

/** What the reviewer sees when the server refuses: a self-review is said plainly, anything else as the server put it. */
function ReviewProblem({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (isApiError(error) && error.code === 'self_review') {
    return (
      <Alert color="orange" title={t('vaccination.backfill.selfReviewTitle')} role="alert">
        {t('vaccination.backfill.selfReview')}
      </Alert>
    );
  }
  return <ProblemAlert error={error} />;
}

function ReviewQueue() {
  const { t } = useTranslation();
  const user = useUser();
  const vaccineName = useVaccineName();
  const [offset, setOffset] = useState(0);
  const [reviewing, setReviewing] = useState<v.BackfilledDose | null>(null);
  const queue = useQuery({ queryKey: [...queueKey, offset], queryFn: ({ signal }) => v.listUnverified({ limit: PAGE, offset }, signal), placeholderData: keepPreviousData });
  const canReview = hasScope(user, 'vaccination:write');
  return (
    <Card withBorder padding={0}>
      <Text fw={600} p="sm">
        {t('vaccination.backfill.queue')}
      </Text>
      <PagedTable
        query={queue}
        testId="backfill-queue"
        minWidth={900}
        empty={t('vaccination.backfill.queueEmpty')}
        columns={[
          { label: t('person.fullName') },
          { label: t('vaccination.backfill.dose') },
          { label: t('vaccination.backfill.source') },
          { label: t('vaccination.backfill.evidence') },
          { label: t('vaccination.backfill.recordedAt') },
          { label: '' },
        ]}
        row={(d) => (
          <Table.Tr key={d.id}>
            <Table.Td>
              <AnchorLink to="/people/$id" params={{ id: d.personId }} fw={600}>
                {d.fullName ?? d.personId}
              </AnchorLink>
            </Table.Td>
            <Table.Td>
              <Text size="sm">
                {formatDay(d.administeredOn)} · {vaccineName(d.vaccineCode)} · {t(`vaccination.doseKind.${d.doseKind}`, { n: d.doseNumber })}
              </Text>
              <Text size="xs" c="dimmed">
                {[d.place, d.lotNumber ? `${t('vaccination.lot')} ${d.lotNumber}` : null, d.overrideReason ? `${t('vaccination.backfill.override')}: ${d.overrideReason}` : null].filter(Boolean).join(' · ')}
              </Text>
            </Table.Td>
            <Table.Td>{d.backfillSource}</Table.Td>
            <Table.Td>{d.evidenceNote}</Table.Td>
            <Table.Td>
              {formatDateTime(d.recordedAt)}
              {d.recordedBy === user.id && (
                <Badge ml={6} variant="light" color="gray">
                  {t('vaccination.backfill.byYou')}
                </Badge>
              )}
            </Table.Td>
            <Table.Td>
              {canReview && (
                <Button size="sm" variant="light" onClick={() => setReviewing(d)} aria-label={`${t('vaccination.backfill.review')}: ${d.fullName ?? d.personId}`}>
                  {t('vaccination.backfill.review')}
                </Button>
              )}
            </Table.Td>
          </Table.Tr>
        )}
        paging={{ offset, pageSize: PAGE, onPage: setOffset }}
      />
      <Modal opened={reviewing !== null} onClose={() => setReviewing(null)} title={t('vaccination.backfill.review')}>
        {reviewing && <ReviewForm dose={reviewing} onDone={() => setReviewing(null)} />}
      </Modal>
    </Card>
  );
}

function ReviewForm({ dose, onDone }: { dose: v.BackfilledDose; onDone: () => void }) {
  const { t } = useTranslation();
  const vaccineName = useVaccineName();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const review = useMutation({
    mutationFn: (decision: 'confirm' | 'reject') => v.reviewBackfill(dose.id, { decision, ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queueKey });
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'history', dose.personId] });
      onDone();
    },
  });
  return (
    <Stack gap="sm">
      <Text fw={600}>{dose.fullName}</Text>
      <Text size="sm">
        {formatDay(dose.administeredOn)} · {vaccineName(dose.vaccineCode)} · {t(`vaccination.doseKind.${dose.doseKind}`, { n: dose.doseNumber })}
      </Text>
      <Text size="sm">
        {t('vaccination.backfill.source')}: {dose.backfillSource}
      </Text>
      <Text size="sm">
        {t('vaccination.backfill.evidence')}: {dose.evidenceNote}
      </Text>
      <Textarea label={t('vaccination.backfill.reviewNote')} description={t('vaccination.backfill.reviewNoteHelp')} name="reviewNote" value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} autosize minRows={2} />
      <ReviewProblem error={review.error} />
      <Group justify="flex-end">
        <Button color="red" variant="light" disabled={!note.trim()} loading={review.isPending && review.variables === 'reject'} onClick={() => review.mutate('reject')}>
          {t('vaccination.backfill.reject')}
        </Button>
        <Button color="green" loading={review.isPending && review.variables === 'confirm'} onClick={() => review.mutate('confirm')}>
          {t('vaccination.backfill.confirm')}
        </Button>
      </Group>
    </Stack>
  );
}
