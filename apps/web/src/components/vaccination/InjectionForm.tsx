import { Alert, Button, Card, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatNumber } from '../../lib/format';
import { DoseRefusal, problemsOf } from './DoseRefusal';
import { useVaccineName } from './common';
import { enqueue, isOffline } from './offlineQueue';
import * as v from './vaccinationApi';

export interface InjectionDone {
  dose: v.Dose | null;
  queued: boolean;
}

/**
 * Vaccine and lot from the site's stock (usable lots with doses on hand), the dose checked by the server's rules
 * (interval, age, series, mixing). When the rules refuse it, the refusal is shown and staff may give a reason to
 * override; the server stores the reason with the dose.
 */
export function InjectionForm({ session, site, person, onDone }: { session: v.Session; site: v.Site; person: { id: string; name: string }; onDone: (d: InjectionDone) => void }) {
  const { t } = useTranslation();
  const vaccineName = useVaccineName();
  const [id, setId] = useState(() => v.clientId());
  const [vaccine, setVaccine] = useState<string | null>(session.vaccines.length === 1 ? (session.vaccines[0] ?? null) : null);
  const [lotId, setLotId] = useState<string | null>(null);
  const stock = useQuery({ queryKey: ['vaccination', 'stock', site.storeId], queryFn: ({ signal }) => v.getStock(site.storeId!, signal), enabled: !!site.storeId });
  const lots = useQuery({ queryKey: ['vaccination', 'lots', 'all'], queryFn: ({ signal }) => v.listLots({ limit: 500 }, signal), enabled: !site.storeId });
  const history = useQuery({ queryKey: ['vaccination', 'history', person.id], queryFn: ({ signal }) => v.personHistory(person.id, signal), retry: false });

  const lotOptions = site.storeId
    ? (stock.data?.items ?? [])
        .filter((i) => i.vaccineCode === vaccine && !i.recalled && !i.expired && i.onHand > 0)
        .map((i) => ({ value: i.lotId, label: `${i.lotNumber} · ${formatDate(i.expiryDate)} · ${t('vaccination.injection.left', { n: formatNumber(i.onHand) })}` }))
    : (lots.data?.items ?? []).filter((l) => l.vaccineCode === vaccine && !l.recalledAt).map((l) => ({ value: l.id, label: `${l.lotNumber} · ${formatDate(l.expiryDate)}` }));

  const give = useMutation({
    // Runs even when the browser says it is offline: a failed send goes to the tablet's queue instead of waiting.
    networkMode: 'always',
    mutationFn: async (overrideReason: string | null): Promise<InjectionDone> => {
      const body: v.DoseInput = {
        id,
        personId: person.id,
        sessionId: session.id,
        lotId: lotId!,
        administeredAt: new Date().toISOString(),
        ...(overrideReason ? { override: { reason: overrideReason } } : {}),
      };
      try {
        return { dose: await v.recordDose(body), queued: false };
      } catch (e) {
        if (!isOffline(e)) throw e;
        enqueue({ kind: 'dose', id, label: person.name, body });
        return { dose: null, queued: true };
      }
    },
    onSuccess: (r) => onDone(r),
  });

  const refused = problemsOf(give.error).length > 0;

  return (
    <Stack gap="md">
      {history.data && (
        <Card withBorder padding="sm">
          <Text size="sm" fw={600}>
            {t('vaccination.injection.history', { count: history.data.status.dosesReceived, n: history.data.status.dosesReceived })}
          </Text>
          {history.data.doses.map((d) => (
            <Text key={d.id} size="sm">
              {formatDate(`${d.administeredOn}T00:00:00`)} · {vaccineName(d.vaccineCode)} · {t(`vaccination.doseKind.${d.doseKind}`, { n: d.doseNumber })}
            </Text>
          ))}
          {history.data.nextDue && (
            <Text size="sm" c="dimmed">
              {t('vaccination.nextDue', { date: formatDate(`${history.data.nextDue.earliest}T00:00:00`) })}
            </Text>
          )}
        </Card>
      )}
      <Select
        size="lg"
        name="vaccine"
        label={t('vaccination.vaccine')}
        data={session.vaccines.map((c) => ({ value: c, label: vaccineName(c) }))}
        value={vaccine}
        onChange={(x) => {
          setVaccine(x);
          setLotId(null);
        }}
        allowDeselect={false}
      />
      <Select size="lg" name="lot" label={t('vaccination.lot')} data={lotOptions} value={lotId} onChange={setLotId} nothingFoundMessage={t('vaccination.injection.noLots')} allowDeselect={false} />
      {vaccine && lotOptions.length === 0 && !stock.isPending && <Alert color="yellow">{t('vaccination.injection.noLots')}</Alert>}
      <DoseRefusal
        error={give.error}
        pending={give.isPending}
        onOverride={(reason) => give.mutate(reason)}
        onCancel={() => {
          give.reset();
          setId(v.clientId());
        }}
      />
      {!refused && (
        <Button size="xl" disabled={!lotId} loading={give.isPending} onClick={() => give.mutate(null)}>
          {t('vaccination.injection.submit')}
        </Button>
      )}
    </Stack>
  );
}
