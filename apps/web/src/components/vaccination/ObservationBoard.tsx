import { Badge, Button, Card, Checkbox, Group, Modal, MultiSelect, Progress, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../ProblemAlert';
import { PageLoader, useVaccineName } from './common';
import * as v from './vaccinationApi';

const OBSERVATION_SECONDS = 30 * 60;

function useNow(intervalMs: number) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Tablet buttons side by side: a long label wraps instead of being cut. */
const WRAP = { label: { whiteSpace: 'normal' as const, textAlign: 'center' as const } };

const mmss = (s: number) => `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;

/** Local datetime-input value (YYYY-MM-DDTHH:MM) of an instant, for the onset field. */
function localInput(d: Date) {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * Everyone under observation after their dose, with a live 30-minute timer each (counted on the tablet from the
 * server's end time, refreshed every 15 s). Staff mark "no reaction" or report a reaction with the adverse event form.
 */
export function ObservationBoard({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const vaccineName = useVaccineName();
  const queryClient = useQueryClient();
  const now = useNow(1000);
  const board = useQuery({ queryKey: ['vaccination', 'observation', sessionId], queryFn: ({ signal }) => v.observationBoard(sessionId, signal), refetchInterval: 15_000 });
  const [reporting, setReporting] = useState<v.ObservationItem | null>(null);
  const done = useMutation({
    mutationFn: (doseId: string) => v.finishObservation(doseId, { outcome: 'no_reaction' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['vaccination', 'observation', sessionId] }),
  });

  if (board.isPending) return <PageLoader />;
  if (board.isError) return <ProblemAlert error={board.error} />;
  const items = [...board.data.items].sort((a, b) => (a.state === 'done' ? 1 : 0) - (b.state === 'done' ? 1 : 0) || a.observationEndsAt.localeCompare(b.observationEndsAt));
  if (items.length === 0) return <Text c="dimmed">{t('vaccination.observation.empty')}</Text>;
  return (
    <Stack gap="sm">
      <ProblemAlert error={done.error} />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {items.map((i) => {
          // From the server's remaining seconds when the board was read: a tablet with a wrong clock still counts right.
          const left = Math.max(0, Math.round(i.remainingSeconds - (now - board.dataUpdatedAt) / 1000));
          const finished = i.state === 'done';
          return (
            <Card key={i.doseId} withBorder padding="md" data-testid="observation-card" opacity={finished ? 0.6 : 1}>
              <Group justify="space-between" wrap="nowrap">
                <Text fw={700} size="lg">
                  {i.fullName}
                </Text>
                {finished ? (
                  <Badge color={i.outcome === 'reaction' ? 'red' : 'green'}>{t(`vaccination.observation.outcome.${i.outcome ?? 'no_reaction'}`)}</Badge>
                ) : left === 0 ? (
                  <Badge color="green" size="lg">
                    {t('vaccination.observation.ended')}
                  </Badge>
                ) : (
                  <Text fw={700} size="xl" ff="monospace" aria-label={t('vaccination.observation.remaining')}>
                    {mmss(left)}
                  </Text>
                )}
              </Group>
              <Text size="sm" c="dimmed">
                {vaccineName(i.vaccineCode)} · {t(`vaccination.doseKind.${i.doseKind === 'booster' ? 'booster' : 'primary'}`, { n: i.doseNumber })}
              </Text>
              {!finished && <Progress mt="xs" value={100 - (left / OBSERVATION_SECONDS) * 100} color={left === 0 ? 'green' : 'sen'} />}
              {!finished && (
                <Group mt="sm" grow>
                  <Button size="lg" h="auto" mih={50} styles={WRAP} color="green" loading={done.isPending && done.variables === i.doseId} onClick={() => done.mutate(i.doseId)}>
                    {t('vaccination.observation.done')}
                  </Button>
                  <Button size="lg" h="auto" mih={50} styles={WRAP} color="red" variant="light" onClick={() => setReporting(i)}>
                    {t('vaccination.observation.reaction')}
                  </Button>
                </Group>
              )}
            </Card>
          );
        })}
      </SimpleGrid>
      <Modal opened={reporting !== null} onClose={() => setReporting(null)} title={t('vaccination.adverse.title')} size="lg" closeOnClickOutside={false}>
        {reporting && (
          <AdverseEventForm
            onSubmit={(event) => v.finishObservation(reporting.doseId, { outcome: 'reaction', adverseEvent: event })}
            onDone={() => {
              setReporting(null);
              void queryClient.invalidateQueries({ queryKey: ['vaccination', 'observation', sessionId] });
            }}
            onCancel={() => setReporting(null)}
          />
        )}
      </Modal>
    </Stack>
  );
}

/** Onset, symptoms (the AEFI list), seriousness, severity and outcome; causality is left to an investigator. */
export function AdverseEventForm({ onSubmit, onDone, onCancel }: { onSubmit: (e: v.AdverseEventBody) => Promise<unknown>; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [id] = useState(() => v.clientId());
  const [onset, setOnset] = useState(() => localInput(new Date()));
  const [symptoms, setSymptoms] = useState<string[]>([]);
  const [serious, setSerious] = useState(false);
  const [severity, setSeverity] = useState<string | null>('mild');
  const [outcome, setOutcome] = useState<string | null>('recovering');
  const [description, setDescription] = useState('');
  const submit = useMutation({
    mutationFn: () =>
      onSubmit({
        id,
        onsetAt: new Date(onset).toISOString(),
        symptoms,
        serious,
        severity: (severity ?? 'mild') as v.AdverseEventBody['severity'],
        outcome: (outcome ?? 'unknown') as v.AdverseEventBody['outcome'],
        ...(description.trim() ? { description: description.trim() } : {}),
      }),
    onSuccess: onDone,
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit.mutate();
      }}
    >
      <Stack gap="sm">
        <TextInput size="md" type="datetime-local" label={t('vaccination.adverse.onset')} value={onset} onChange={(e) => setOnset(e.currentTarget.value)} required />
        <MultiSelect
          size="md"
          label={t('vaccination.adverse.symptoms')}
          data={v.AEFI_SYMPTOMS.map((s) => ({ value: s, label: t(`vaccination.symptom.${s}`) }))}
          value={symptoms}
          onChange={setSymptoms}
          searchable
          required
        />
        <Checkbox size="md" label={t('vaccination.adverse.serious')} checked={serious} onChange={(e) => setSerious(e.currentTarget.checked)} />
        <Group grow>
          <Select size="md" label={t('vaccination.adverse.severity')} data={v.AEFI_SEVERITIES.map((s) => ({ value: s, label: t(`vaccination.severity.${s}`) }))} value={severity} onChange={setSeverity} allowDeselect={false} />
          <Select size="md" label={t('vaccination.adverse.outcome')} data={v.AEFI_OUTCOMES.map((s) => ({ value: s, label: t(`vaccination.aefiOutcome.${s}`) }))} value={outcome} onChange={setOutcome} allowDeselect={false} />
        </Group>
        <Textarea label={t('vaccination.adverse.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} maxLength={4000} autosize minRows={2} />
        <ProblemAlert error={submit.error} />
        <Group justify="flex-end">
          <Button variant="default" size="md" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" size="md" color="red" disabled={symptoms.length === 0 || !onset} loading={submit.isPending}>
            {t('vaccination.adverse.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
