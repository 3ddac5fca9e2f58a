import { Badge, Button, Card, Group, Modal, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { PageLoader, useVaccineName } from '../../components/vaccination/common';
import { MovementForm, type MovementPreset } from '../../components/vaccination/MovementForm';
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
  const [moving, setMoving] = useState<MovementPreset | null>(null);
  const canWrite = hasScope(user, 'vaccination:write');
  const confirm = useMutation({
    mutationFn: (shipmentId: string) => v.confirmShipment(shipmentId, `confirm-${shipmentId}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['vaccination', 'stock'] }),
  });

  if (stock.isPending) return <PageLoader />;
  if (stock.isError) return <ProblemAlert error={stock.error} />;
  const s = stock.data;
  // Doses held for this store may be of a lot it holds none of yet: the lot id stands in for its number then.
  const lotLabel = (lotId: string) => {
    const i = s.items.find((x) => x.lotId === lotId);
    return i ? `${vaccineName(i.vaccineCode)} · ${i.lotNumber}` : lotId.slice(0, 8);
  };
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
              <Table.Th ta="right">{t('vaccination.supply.reserved')}</Table.Th>
              <Table.Th ta="right">{t('vaccination.supply.available')}</Table.Th>
              <Table.Th ta="right">{t('vaccination.supply.inTransit')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {s.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={8}>
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
                <Table.Td ta="right">{formatNumber(i.reserved)}</Table.Td>
                <Table.Td ta="right">{formatNumber(i.available)}</Table.Td>
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

      {s.reservations.length > 0 && (
        <Card withBorder padding={0}>
          <Text fw={600} p="sm">
            {t('vaccination.supply.reservations')}
          </Text>
          <Table striped data-testid="stock-reservations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('vaccination.lot')}</Table.Th>
                <Table.Th>{t('vaccination.supply.forStore')}</Table.Th>
                <Table.Th ta="right">{t('vaccination.supply.reserved')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.reservations.map((r) => (
                <Table.Tr key={`${r.lotId}-${r.forStoreId}`}>
                  <Table.Td>{lotLabel(r.lotId)}</Table.Td>
                  <Table.Td>{r.forStoreName}</Table.Td>
                  <Table.Td ta="right">{formatNumber(r.doses)}</Table.Td>
                  <Table.Td>
                    {canWrite && (
                      <Group gap={4} justify="flex-end">
                        <Button size="compact-xs" variant="subtle" onClick={() => setMoving({ kind: 'ship', lotId: r.lotId, toStoreId: r.forStoreId })}>
                          {t('vaccination.movement.ship')}
                        </Button>
                        <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setMoving({ kind: 'allocate', lotId: r.lotId, toStoreId: r.forStoreId, release: true })}>
                          {t('vaccination.movement.release')}
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}

      {s.allocatedToThisStore.length > 0 && (
        <Card withBorder>
          <Text fw={600} mb="xs">
            {t('vaccination.supply.allocatedHere')}
          </Text>
          <Stack gap={4} data-testid="stock-allocated-here">
            {s.allocatedToThisStore.map((a) => (
              <Text key={`${a.lotId}-${a.fromStoreId}`} size="sm">
                {t('vaccination.supply.allocatedLine', { doses: formatNumber(a.doses), from: a.fromStoreName, lot: lotLabel(a.lotId) })}
              </Text>
            ))}
          </Stack>
        </Card>
      )}

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
        {moving && <MovementForm key={JSON.stringify(moving)} store={s} stores={stores} preset={moving} onDone={() => setMoving(null)} />}
      </Modal>
    </Stack>
  );
}
