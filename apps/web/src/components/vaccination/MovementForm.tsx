import { Button, Checkbox, Group, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatNumber } from '../../lib/format';
import { ProblemAlert } from '../ProblemAlert';
import { useVaccineName } from './common';
import * as v from './vaccinationApi';

/** The movement a form opens with: from a lot's row, a reservation (ship it, release it) or an allocation plan line. */
export interface MovementPreset {
  kind: v.MovementKind;
  lotId?: string;
  toStoreId?: string;
  release?: boolean;
  doses?: number;
  note?: string;
}

/** `onMoved` hears of a movement stored (or replayed); `onDone` closes the form either way. */
export function MovementForm({ store, stores, preset, onDone, onMoved }: { store: v.Stock; stores: v.Store[]; preset: MovementPreset; onDone: () => void; onMoved?: (m: v.Movement) => void }) {
  const { kind } = preset;
  const { t } = useTranslation();
  const vaccineName = useVaccineName();
  const queryClient = useQueryClient();
  // One key per opened form: a double tap or a retry after a timeout moves the doses once.
  const [key] = useState(() => v.clientId());
  const lots = useQuery({ queryKey: ['vaccination', 'lots', 'all'], queryFn: ({ signal }) => v.listLots({ limit: 500 }, signal), enabled: kind === 'receive' });
  const [lot, setLot] = useState<string | null>(preset.lotId ?? null);
  const [doses, setDoses] = useState<number | string>(preset.doses ?? '');
  const [toStore, setToStore] = useState<string | null>(preset.toStoreId ?? null);
  const [release, setRelease] = useState(preset.release ?? false);
  const [reason, setReason] = useState<string | null>(null);
  const [sessionRef, setSessionRef] = useState('');
  const [note, setNote] = useState(preset.note ?? '');
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
          ...(kind === 'allocate' && release ? { release: true } : {}),
          ...(reason ? { reason: reason as v.DiscardReason } : {}),
          ...(sessionRef.trim() ? { sessionRef: sessionRef.trim() } : {}),
        },
        key,
      ),
    onSuccess: (m) => {
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'stock'] });
      onMoved?.(m);
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
      : store.items.map((i) => ({
          value: i.lotId,
          label: `${vaccineName(i.vaccineCode)} · ${i.lotNumber} (${t(i.reserved > 0 ? 'vaccination.supply.lotAvailable' : 'vaccination.supply.lotOnHand', { onHand: formatNumber(i.onHand), available: formatNumber(i.available) })})`,
        }));
  const needsStore = kind === 'ship' || kind === 'allocate';
  const valid = !!lot && doses !== '' && Number(doses) >= (kind === 'count' ? 0 : 1) && (!needsStore || !!toStore) && (kind !== 'discard' || !!reason);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) move.mutate();
      }}
    >
      <Stack gap="sm">
        <Select label={t('vaccination.lot')} data={lotOptions} value={lot} onChange={setLot} searchable allowDeselect={false} required />
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
        {needsStore && (
          <Select
            label={kind === 'allocate' ? t('vaccination.movement.forStore') : t('vaccination.movement.toStore')}
            data={stores.filter((x) => x.id !== store.store.id).map((x) => ({ value: x.id, label: x.name }))}
            value={toStore}
            onChange={setToStore}
            searchable
            allowDeselect={false}
            required
          />
        )}
        {kind === 'allocate' && (
          <Checkbox
            label={t('vaccination.movement.releaseHelp')}
            checked={release}
            onChange={(e) => setRelease(e.currentTarget.checked)}
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
