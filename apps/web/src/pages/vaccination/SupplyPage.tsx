import { Badge, Button, Card, Group, Modal, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { PageLoader, useVaccineName } from '../../components/vaccination/common';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatDate, formatNumber } from '../../lib/format';
import { hasScope, useUser } from '../../lib/user';

export function SupplyPage() {
  return (
    <RequireScope scope="vaccination:read">
      <Supply />
    </RequireScope>
  );
}

function Supply() {
  const { t } = useTranslation();
  const stores = useQuery({ queryKey: ['vaccination', 'stores'], queryFn: ({ signal }) => v.listStores({ limit: 500 }, signal) });
  const [storeId, setStoreId] = useState<string | null>(null);
  const selected = storeId ?? stores.data?.items[0]?.id ?? null;

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('vaccination.supply.title')}
        </Title>
        <AnchorLink to="/vaccination/lots">{t('vaccination.lots.title')} →</AnchorLink>
      </Group>
      {stores.isPending ? (
        <PageLoader />
      ) : stores.isError ? (
        <ProblemAlert error={stores.error} />
      ) : stores.data.items.length === 0 ? (
        <Text c="dimmed">{t('vaccination.supply.noStores')}</Text>
      ) : (
        <>
          <Select
            label={t('vaccination.supply.store')}
            data={stores.data.items.map((s) => ({ value: s.id, label: `${s.name} · ${t(`vaccination.storeLevel.${s.level}`)}` }))}
            value={selected}
            onChange={setStoreId}
            searchable
            allowDeselect={false}
            maw={520}
          />
          {selected && <StoreStock storeId={selected} stores={stores.data.items} />}
        </>
      )}
    </Stack>
  );
}

function StoreStock({ storeId, stores }: { storeId: string; stores: v.Store[] }) {
  const { t } = useTranslation();
  const user = useUser();
  const vaccineName = useVaccineName();
  const queryClient = useQueryClient();
  const stock = useQuery({ queryKey: ['vaccination', 'stock', storeId], queryFn: ({ signal }) => v.getStock(storeId, signal) });
  const [moving, setMoving] = useState<{ kind: v.MovementKind; lotId?: string } | null>(null);
  const canWrite = hasScope(user, 'vaccination:write');
  const confirm = useMutation({
    mutationFn: (shipmentId: string) => v.confirmShipment(shipmentId, `confirm-${shipmentId}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['vaccination', 'stock'] }),
  });

  if (stock.isPending) return <PageLoader />;
  if (stock.isError) return <ProblemAlert error={stock.error} />;
  const s = stock.data;
  return (
    <Stack gap="md">
      <Card withBorder padding={0}>
        <Group justify="space-between" p="sm">
          <Text fw={600}>{t('vaccination.supply.balances')}</Text>
          {canWrite && (
            <Group gap="xs">
              {v.MOVEMENT_KINDS.map((k) => (
                <Button key={k} size="xs" variant={k === 'receive' ? 'filled' : 'default'} onClick={() => setMoving({ kind: k })}>
                  {t(`vaccination.movement.${k}`)}
                </Button>
              ))}
            </Group>
          )}
        </Group>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('vaccination.vaccine')}</Table.Th>
              <Table.Th>{t('vaccination.lot')}</Table.Th>
              <Table.Th>{t('vaccination.expiry')}</Table.Th>
              <Table.Th ta="right">{t('vaccination.supply.onHand')}</Table.Th>
              <Table.Th ta="right">{t('vaccination.supply.inTransit')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {s.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>
                  <Text c="dimmed" size="sm">
                    {t('vaccination.supply.empty')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {s.items.map((i) => (
              <Table.Tr key={i.lotId}>
                <Table.Td>{vaccineName(i.vaccineCode)}</Table.Td>
                <Table.Td>
                  <AnchorLink to="/vaccination/lots/$id" params={{ id: i.lotId }}>
                    {i.lotNumber}
                  </AnchorLink>{' '}
                  {i.recalled && <Badge color="red">{t('vaccination.lots.recalled')}</Badge>}
                  {i.expired && <Badge color="gray">{t('vaccination.lots.expired')}</Badge>}
                </Table.Td>
                <Table.Td>{formatDate(i.expiryDate)}</Table.Td>
                <Table.Td ta="right" fw={600}>
                  {formatNumber(i.onHand)}
                </Table.Td>
                <Table.Td ta="right">{formatNumber(i.inTransitIn)}</Table.Td>
                <Table.Td>
                  {canWrite && (
                    <Button size="compact-xs" variant="subtle" onClick={() => setMoving({ kind: 'issue', lotId: i.lotId })}>
                      {t('vaccination.movement.issue')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>

      {s.incoming.length > 0 && (
        <Card withBorder>
          <Text fw={600} mb="xs">
            {t('vaccination.supply.incoming')}
          </Text>
          <ProblemAlert error={confirm.error} />
          <Stack gap="xs">
            {s.incoming.map((sh) => (
              <Group key={sh.id} justify="space-between">
                <Text size="sm">
                  {t('vaccination.supply.shipmentLine', {
                    doses: formatNumber(sh.doses),
                    from: stores.find((x) => x.id === sh.fromStoreId)?.name ?? '—',
                    date: formatDate(sh.shippedAt),
                  })}
                </Text>
                {canWrite && (
                  <Button size="xs" loading={confirm.isPending && confirm.variables === sh.id} onClick={() => confirm.mutate(sh.id)}>
                    {t('vaccination.movement.confirm')}
                  </Button>
                )}
              </Group>
            ))}
          </Stack>
        </Card>
      )}

      <Modal opened={moving !== null} onClose={() => setMoving(null)} title={moving ? t(`vaccination.movement.${moving.kind}`) : ''} size="md">
        {moving && <MovementForm key={`${moving.kind}-${moving.lotId ?? ''}`} store={s} stores={stores} kind={moving.kind} lotId={moving.lotId} onDone={() => setMoving(null)} />}
      </Modal>
    </Stack>
  );
}

function MovementForm({ store, stores, kind, lotId, onDone }: { store: v.Stock; stores: v.Store[]; kind: v.MovementKind; lotId?: string | undefined; onDone: () => void }) {
  const { t } = useTranslation();
  const vaccineName = useVaccineName();
  const queryClient = useQueryClient();
  // One key per opened form: a double tap or a retry after a timeout moves the doses once.
  const [key] = useState(() => v.clientId());
  const lots = useQuery({ queryKey: ['vaccination', 'lots', 'all'], queryFn: ({ signal }) => v.listLots({ limit: 500 }, signal), enabled: kind === 'receive' });
  const [lot, setLot] = useState<string | null>(lotId ?? null);
  const [doses, setDoses] = useState<number | string>('');
  const [toStore, setToStore] = useState<string | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [sessionRef, setSessionRef] = useState('');
  const [note, setNote] = useState('');
  const move = useMutation({
    mutationFn: () =>
      v.recordMovement(
        store.store.id,
        kind,
        {
          lotId: lot ?? '',
          doses: Number(doses),
          ...(note.trim() ? { note: note.trim() } : {}),
          ...(toStore ? { toStoreId: toStore } : {}),
          ...(reason ? { reason: reason as v.DiscardReason } : {}),
          ...(sessionRef.trim() ? { sessionRef: sessionRef.trim() } : {}),
        },
        key,
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'stock'] });
      onDone();
    },
  });
  // Doses issued to a session carry its id, which is what the dose check looks for at the site's store.
  const needsSession = kind === 'issue' || kind === 'return';
  const sites = useQuery({ queryKey: ['vaccination', 'sites'], queryFn: ({ signal }) => v.listSites({ limit: 500 }, signal), enabled: needsSession });
  const site = sites.data?.items.find((x) => x.storeId === store.store.id);
  const sessions = useQuery({
    queryKey: ['vaccination', 'sessions', site?.id],
    queryFn: ({ signal }) => v.listSessions({ siteId: site!.id }, signal),
    enabled: needsSession && !!site,
  });
  const sessionOptions = (sessions.data?.items ?? [])
    .filter((x) => x.status === 'open' || x.status === 'planned' || (kind === 'return' && x.status === 'closed'))
    .map((x) => ({ value: x.id, label: `${formatDate(`${x.date}T00:00:00`)} · ${x.vaccines.map(vaccineName).join(', ')} · ${t(`vaccination.sessionStatus.${x.status}`)}` }));
  const lotOptions =
    kind === 'receive'
      ? (lots.data?.items ?? []).filter((l) => !l.recalledAt).map((l) => ({ value: l.id, label: `${vaccineName(l.vaccineCode)} · ${l.lotNumber} · ${formatDate(l.expiryDate)}` }))
      : store.items.map((i) => ({ value: i.lotId, label: `${vaccineName(i.vaccineCode)} · ${i.lotNumber} (${formatNumber(i.onHand)})` }));
  const valid = !!lot && doses !== '' && Number(doses) >= (kind === 'count' ? 0 : 1) && (kind !== 'ship' || !!toStore) && (kind !== 'discard' || !!reason);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) move.mutate();
      }}
    >
      <Stack gap="sm">
        <Select label={t('vaccination.lot')} data={lotOptions} value={lot} onChange={setLot} searchable required />
        <NumberInput
          label={kind === 'count' ? t('vaccination.movement.counted') : t('vaccination.movement.doses')}
          value={doses}
          onChange={setDoses}
          min={kind === 'count' ? 0 : 1}
          allowDecimal={false}
          thousandSeparator="."
          decimalSeparator=","
          required
        />
        {kind === 'ship' && (
          <Select
            label={t('vaccination.movement.toStore')}
            data={stores.filter((x) => x.id !== store.store.id).map((x) => ({ value: x.id, label: x.name }))}
            value={toStore}
            onChange={setToStore}
            searchable
            required
          />
        )}
        {kind === 'discard' && (
          <Select
            label={t('vaccination.movement.reason')}
            data={v.DISCARD_REASONS.map((r) => ({ value: r, label: t(`vaccination.discardReason.${r}`) }))}
            value={reason}
            onChange={setReason}
            required
          />
        )}
        {(kind === 'issue' || kind === 'return') &&
          (sessionOptions.length > 0 ? (
            <Select label={t('vaccination.movement.session')} data={sessionOptions} value={sessionRef || null} onChange={(x) => setSessionRef(x ?? '')} />
          ) : (
            <TextInput label={t('vaccination.movement.session')} value={sessionRef} onChange={(e) => setSessionRef(e.currentTarget.value)} />
          ))}
        <TextInput label={t('vaccination.movement.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} />
        <ProblemAlert error={move.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={!valid} loading={move.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
