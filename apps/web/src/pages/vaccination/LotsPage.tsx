import { Anchor, Badge, Breadcrumbs, Button, Card, Group, Modal, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { catalogQuery, PageLoader, useVaccineName } from '../../components/vaccination/common';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatBirthDate, formatDate, formatDateTime, formatDay, formatNumber, parseDayInput } from '../../lib/format';
import { hasScope, useUser } from '../../lib/user';

export function LotsPage() {
  return (
    <RequireScope scope="vaccination:read">
      <Lots />
    </RequireScope>
  );
}

function Lots() {
  const { t } = useTranslation();
  const user = useUser();
  const vaccineName = useVaccineName();
  const queryClient = useQueryClient();
  const lots = useQuery({ queryKey: ['vaccination', 'lots', 'all'], queryFn: ({ signal }) => v.listLots({ limit: 500 }, signal) });
  const [creating, setCreating] = useState(false);
  const [recalling, setRecalling] = useState<v.Lot | null>(null);
  const [reason, setReason] = useState('');
  const recall = useMutation({
    mutationFn: (lot: v.Lot) => v.recallLot(lot.id, reason.trim()),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['vaccination'] });
      setRecalling(null);
    },
  });
  const canWrite = hasScope(user, 'vaccination:write');

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('vaccination.lots.title')}
        </Title>
        {canWrite && <Button onClick={() => setCreating(true)}>+ {t('vaccination.lots.add')}</Button>}
      </Group>
      {lots.isPending ? (
        <PageLoader />
      ) : lots.isError ? (
        <ProblemAlert error={lots.error} />
      ) : (
        <Card withBorder padding={0}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('vaccination.vaccine')}</Table.Th>
                <Table.Th>{t('vaccination.lot')}</Table.Th>
                <Table.Th>{t('vaccination.expiry')}</Table.Th>
                <Table.Th ta="right">{t('vaccination.lots.dosesPerVial')}</Table.Th>
                <Table.Th>{t('vaccination.lots.state')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lots.data.items.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td>{l.vaccineName ?? vaccineName(l.vaccineCode)}</Table.Td>
                  <Table.Td>
                    <AnchorLink to="/vaccination/lots/$id" params={{ id: l.id }}>
                      {l.lotNumber}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td>{formatDate(l.expiryDate)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(l.dosesPerVial)}</Table.Td>
                  <Table.Td>
                    {l.recalledAt ? (
                      <Badge color="red" title={l.recallReason ?? ''}>
                        {t('vaccination.lots.recalled')} {formatDate(l.recalledAt)}
                      </Badge>
                    ) : (
                      <Badge color="green" variant="light">
                        {t('vaccination.lots.usable')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {canWrite && !l.recalledAt && (
                      <Button
                        size="compact-xs"
                        color="red"
                        variant="subtle"
                        onClick={() => {
                          recall.reset();
                          setReason('');
                          setRecalling(l);
                        }}
                      >
                        {t('vaccination.lots.recall')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('vaccination.lots.add')}>
        <LotForm onDone={() => setCreating(false)} />
      </Modal>
      <Modal opened={recalling !== null} onClose={() => setRecalling(null)} title={t('vaccination.lots.recall')}>
        <Stack gap="sm">
          <Text size="sm">{t('vaccination.lots.recallText', { lot: recalling?.lotNumber ?? '' })}</Text>
          <TextInput label={t('vaccination.lots.recallReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required />
          <ProblemAlert error={recall.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRecalling(null)}>
              {t('common.cancel')}
            </Button>
            <Button color="red" disabled={!reason.trim()} loading={recall.isPending} onClick={() => recalling && recall.mutate(recalling)}>
              {t('vaccination.lots.recall')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function LotForm({ onDone }: { onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const catalog = useQuery(catalogQuery);
  const [vaccine, setVaccine] = useState<string | null>(null);
  const [lotNumber, setLotNumber] = useState('');
  const [expiry, setExpiry] = useState('');
  const [perVial, setPerVial] = useState<number | string>('');
  const expiryDate = parseDayInput(expiry);
  const create = useMutation({
    mutationFn: () => {
      const d = expiryDate!;
      const iso = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      return v.createLot({ vaccineCode: vaccine!, lotNumber: lotNumber.trim(), expiryDate: iso, ...(perVial !== '' ? { dosesPerVial: Number(perVial) } : {}) });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'lots'] });
      onDone();
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
        <Select
          label={t('vaccination.vaccine')}
          data={(catalog.data?.vaccines ?? []).map((x) => ({ value: x.code, label: i18n.language === 'en' ? x.nameEn : x.nameVi }))}
          value={vaccine}
          onChange={setVaccine}
          required
        />
        <TextInput label={t('vaccination.lot')} value={lotNumber} onChange={(e) => setLotNumber(e.currentTarget.value)} required maxLength={60} />
        <TextInput
          label={t('vaccination.expiry')}
          placeholder="dd/mm/yyyy"
          value={expiry}
          onChange={(e) => setExpiry(e.currentTarget.value)}
          error={expiry && !expiryDate ? t('validation.day') : null}
          required
        />
        <NumberInput label={t('vaccination.lots.dosesPerVial')} value={perVial} onChange={setPerVial} min={1} max={100} allowDecimal={false} />
        <ProblemAlert error={create.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={!vaccine || !lotNumber.trim() || !expiryDate} loading={create.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

const traceRoute = getRouteApi('/_app/vaccination/lots/$id');
/** The trace's totals per store, in the order doses move; allocate is doses reserved for other stores less those released. */
const TRACE_KINDS = ['receive', 'ship_in', 'allocate', 'ship_out', 'issue', 'return', 'discard', 'adjust'] as const;

export function LotTracePage() {
  return (
    <RequireScope scope="vaccination:read">
      <LotTrace />
    </RequireScope>
  );
}

function LotTrace() {
  const { t } = useTranslation();
  const user = useUser();
  const { id } = traceRoute.useParams();
  const vaccineName = useVaccineName();
  const trace = useQuery({ queryKey: ['vaccination', 'trace', id], queryFn: ({ signal }) => v.traceLot(id, signal) });
  // A store doses are allocated to need not hold the lot yet, so it may be missing from the trace: name it from the store list.
  const allStores = useQuery({
    queryKey: ['vaccination', 'stores'],
    queryFn: ({ signal }) => v.listStores({ limit: 500 }, signal),
    enabled: !!trace.data?.events.some((e) => e.forStoreId && !trace.data.stores.some((s) => s.store.id === e.forStoreId)),
  });
  if (trace.isPending) return <PageLoader />;
  if (trace.isError) return <ProblemAlert error={trace.error} />;
  const { lot, stores, events, eventsTruncated } = trace.data;
  const storeName = (sid: string) => stores.find((s) => s.store.id === sid)?.store.name ?? allStores.data?.items.find((s) => s.id === sid)?.name ?? sid.slice(0, 8);
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <AnchorLink to="/vaccination/lots" size="sm">
          {t('vaccination.lots.title')}
        </AnchorLink>
        <Text size="sm">{lot.lotNumber}</Text>
      </Breadcrumbs>
      <Group>
        <Title order={1} size="h3">
          {t('vaccination.lots.traceTitle', { lot: lot.lotNumber })}
        </Title>
        <Badge variant="light">{lot.vaccineName ?? vaccineName(lot.vaccineCode)}</Badge>
        {lot.recalledAt && <Badge color="red">{t('vaccination.lots.recalled')}</Badge>}
      </Group>
      <Text size="sm" c="dimmed">
        {t('vaccination.expiry')}: {formatDate(lot.expiryDate)}
        {lot.recallReason ? ` · ${lot.recallReason}` : ''}
      </Text>
      <Card withBorder padding={0}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('vaccination.supply.store')}</Table.Th>
              {TRACE_KINDS.map((k) => (
                <Table.Th key={k} ta="right">
                  {t(`vaccination.eventKind.${k}`)}
                </Table.Th>
              ))}
              <Table.Th ta="right">{t('vaccination.supply.onHand')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {stores.map((s) => (
              <Table.Tr key={s.store.id}>
                <Table.Td>{s.store.name}</Table.Td>
                {TRACE_KINDS.map((k) => (
                  <Table.Td key={k} ta="right">
                    {formatNumber(s.totals[k])}
                  </Table.Td>
                ))}
                <Table.Td ta="right" fw={600}>
                  {formatNumber(s.onHand)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder padding={0}>
        <Text fw={600} p="sm">
          {t('vaccination.lots.events')}
        </Text>
        <Table striped>
          <Table.Tbody>
            {events.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>{formatDateTime(e.occurredAt)}</Table.Td>
                <Table.Td>{storeName(e.storeId)}</Table.Td>
                <Table.Td>
                  {t(`vaccination.eventKind.${e.kind}`)}
                  {e.discardReason ? ` (${t(`vaccination.discardReason.${e.discardReason}`)})` : ''}
                  {e.forStoreId && e.reservedChange !== 0 && (
                    <Text size="xs" c="dimmed">
                      {t(e.reservedChange > 0 ? 'vaccination.lots.reservedFor' : 'vaccination.lots.reservationDown', { n: formatNumber(Math.abs(e.reservedChange)), store: storeName(e.forStoreId) })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right">{formatNumber(e.doses)}</Table.Td>
                <Table.Td ta="right">{formatNumber(e.balanceAfter)}</Table.Td>
                <Table.Td>{e.note ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {eventsTruncated && (
          <Text size="sm" c="dimmed" p="sm">
            {t('vaccination.lots.truncated')}
          </Text>
        )}
      </Card>
      {hasScope(user, 'people:read') && <LotDoses lotId={lot.id} />}
    </Stack>
  );
}

const DOSES_PAGE = 100;

/** The doses given from the lot and who received them (a recall's call list), a page at a time, and all of them as one CSV. */
function LotDoses({ lotId }: { lotId: string }) {
  const { t } = useTranslation();
  // Cursors of the pages seen so far: the server pages by the last dose id, so going back is going to a known cursor.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors.at(-1);
  const page = useQuery({
    queryKey: ['vaccination', 'lot-doses', lotId, after ?? ''],
    queryFn: ({ signal }) => v.lotDoses(lotId, { ...(after ? { after } : {}), limit: DOSES_PAGE }, signal),
    placeholderData: keepPreviousData,
  });
  const rows = page.data?.rows ?? [];
  const text = (x: v.Cell | undefined) => (x === null || x === undefined ? '—' : String(x));
  return (
    <Card withBorder padding={0}>
      <Group justify="space-between" p="sm">
        <Text fw={600}>{t('vaccination.lots.doses')}</Text>
        <Anchor href={v.lotDosesExportUrl(lotId)} download size="sm" data-testid="lot-doses-csv">
          {t('vaccination.lots.dosesCsv')}
        </Anchor>
      </Group>
      {page.isPending ? (
        <PageLoader />
      ) : page.isError ? (
        <ProblemAlert error={page.error} />
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed" p="sm">
          {t('vaccination.lots.noDoses')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped data-testid="lot-doses">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('vaccination.me.date')}</Table.Th>
                <Table.Th>{t('person.fullName')}</Table.Th>
                <Table.Th>{t('person.birthDate')}</Table.Th>
                <Table.Th>{t('person.phone')}</Table.Th>
                <Table.Th>{t('vaccination.me.dose')}</Table.Th>
                <Table.Th>{t('vaccination.sites.name')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={text(r.doseId)}>
                  <Table.Td>{formatDay(text(r.day))}</Table.Td>
                  <Table.Td>
                    <AnchorLink to="/people/$id" params={{ id: text(r.personId) }}>
                      {text(r.fullName)}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td>{formatBirthDate(r.birthDate === null || r.birthDate === undefined ? null : String(r.birthDate))}</Table.Td>
                  <Table.Td>{text(r.phone)}</Table.Td>
                  <Table.Td>
                    {t(`vaccination.doseKind.${text(r.doseKind)}`, { n: r.doseNumber })}
                    {r.reviewStatus === 'pending' && (
                      <Badge ml={6} color="gray" variant="light">
                        {t('vaccination.me.unverified')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{text(r.site)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {(cursors.length > 1 || page.data?.nextAfter) && (
        <Group justify="flex-end" gap="xs" p="sm">
          <Button size="xs" variant="default" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            ← {t('common.previous')}
          </Button>
          <Button size="xs" variant="default" disabled={!page.data?.nextAfter} onClick={() => setCursors((c) => [...c, page.data!.nextAfter!])}>
            {t('common.next')} →
          </Button>
        </Group>
      )}
    </Card>
  );
}
