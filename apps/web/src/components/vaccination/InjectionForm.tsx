import { Alert, Button, Card, Group, List, Select, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api';
import { formatDate, formatNumber } from '../../lib/format';
import { ProblemAlert } from '../ProblemAlert';
import { useVaccineName } from './common';
import { enqueue, isOffline } from './offlineQueue';
import * as v from './vaccinationApi';

/** The rule problems a refused dose comes back with (problem+json extension `problems`). */
function problemsOf(e: unknown): v.DoseProblem[] {
  if (!isApiError(e)) return [];
  const raw = e.body.problems;
  return Array.isArray(raw) ? (raw as v.DoseProblem[]).filter((p) => p && typeof p === 'object' && typeof p.code === 'string') : [];
}

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
  const { t, i18n } = useTranslation();
  const vaccineName = useVaccineName();
  const [id, setId] = useState(() => v.clientId());
  const [vaccine, setVaccine] = useState<string | null>(session.vaccines.length === 1 ? (session.vaccines[0] ?? null) : null);
  const [lotId, setLotId] = useState<string | null>(null);
  const [overrideReason, setOverrideReason] = useState('');
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
    mutationFn: async (withOverride: boolean): Promise<InjectionDone> => {
      const body: v.DoseInput = {
        id,
        personId: person.id,
        sessionId: session.id,
        lotId: lotId!,
        administeredAt: new Date().toISOString(),
        ...(withOverride ? { override: { reason: overrideReason.trim() } } : {}),
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

  const problems = problemsOf(give.error);
  const overridable = problems.length > 0 && problems.every((p) => p.overridable);
  const label = (p: v.Reason) => (i18n.language === 'en' ? p.en : p.vi);

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
      {problems.length > 0 ? (
        <Alert color="red" title={t('vaccination.injection.refused')} role="alert">
          <List size="sm">
            {problems.map((p) => (
              <List.Item key={p.code}>{label(p)}</List.Item>
            ))}
          </List>
          {overridable && (
            <Stack gap="xs" mt="sm">
              <Textarea label={t('vaccination.injection.overrideReason')} name="overrideReason" value={overrideReason} onChange={(e) => setOverrideReason(e.currentTarget.value)} maxLength={1000} autosize minRows={2} />
              <Group>
                <Button color="red" size="lg" disabled={!overrideReason.trim()} loading={give.isPending} onClick={() => give.mutate(true)}>
                  {t('vaccination.injection.override')}
                </Button>
                <Button variant="default" size="lg" onClick={() => { give.reset(); setId(v.clientId()); }}>
                  {t('common.cancel')}
                </Button>
              </Group>
            </Stack>
          )}
        </Alert>
      ) : (
        <ProblemAlert error={give.error} />
      )}
      {problems.length === 0 && (
        <Button size="xl" disabled={!lotId} loading={give.isPending} onClick={() => give.mutate(false)}>
          {t('vaccination.injection.submit')}
        </Button>
      )}
    </Stack>
  );
}
