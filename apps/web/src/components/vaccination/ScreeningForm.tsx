import { Alert, Button, Card, Group, List, NumberInput, SegmentedControl, SimpleGrid, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { screen, screeningRuleSetAt } from '@sen/domain';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../ProblemAlert';
import { OutcomeBadge } from './common';
import { enqueue, isOffline } from './offlineQueue';
import * as v from './vaccinationApi';
import { DayInput } from './DayInput';

export interface ScreeningDone {
  outcome: v.ScreeningOutcome;
  reasons: v.Reason[];
  ruleSetVersion: string;
  /** True when it waits in the offline queue and the outcome shown was computed on the tablet. */
  queued: boolean;
}

type Answer = 'no' | 'yes';

/**
 * Vital signs and the screening questions of the rule set in force; the server decides the outcome and stores the
 * rule-set version. Offline, the same domain rules give the outcome on the tablet and the screening waits in the queue.
 */
export function ScreeningForm({ sessionId, person, onDone }: { sessionId: string; person: { id: string; name: string }; onDone: (r: ScreeningDone) => void }) {
  const { t, i18n } = useTranslation();
  const rules = screeningRuleSetAt(new Date());
  const [id, setId] = useState(() => v.clientId());
  const [vitals, setVitals] = useState<Partial<Record<v.Vital, number | string>>>({});
  const [answers, setAnswers] = useState<Partial<Record<v.ScreeningQuestion, Answer>>>({});
  const [pregnancyWeeks, setPregnancyWeeks] = useState<number | string>('');
  const [lastCovidOn, setLastCovidOn] = useState('');
  const [result, setResult] = useState<ScreeningDone | null>(null);

  const body = (): v.ScreeningInput => {
    const vit: Partial<Record<v.Vital, number>> = {};
    for (const k of v.VITALS) if (vitals[k] !== undefined && vitals[k] !== '') vit[k] = Number(vitals[k]);
    const ans: v.ScreeningInput['answers'] = {};
    for (const q of v.SCREENING_QUESTIONS) if (answers[q]) ans[q] = answers[q] === 'yes';
    if (pregnancyWeeks !== '') ans.pregnancyWeeks = Number(pregnancyWeeks);
    if (lastCovidOn) ans.lastCovidOn = lastCovidOn;
    return { id, personId: person.id, sessionId, screenedAt: new Date().toISOString(), vitals: vit, answers: ans };
  };

  const submit = useMutation({
    // Runs even when the browser says it is offline: a failed send goes to the tablet's queue instead of waiting.
    networkMode: 'always',
    mutationFn: async (): Promise<ScreeningDone> => {
      const b = body();
      try {
        const s = await v.recordScreening(b);
        return { outcome: s.outcome, reasons: s.reasons, ruleSetVersion: s.ruleSetVersion, queued: false };
      } catch (e) {
        if (!isOffline(e)) throw e;
        const local = screen({
          on: new Date(),
          vitals: b.vitals,
          ...Object.fromEntries(Object.entries(b.answers).filter(([k]) => k !== 'lastCovidOn' && k !== 'pregnancyWeeks')),
          pregnancyWeeks: b.answers.pregnancyWeeks ?? null,
          lastCovidOn: b.answers.lastCovidOn ? new Date(`${b.answers.lastCovidOn}T00:00:00+07:00`) : null,
        });
        if (local.outcome === 'invalid') throw new Error(local.invalidFields.map((f) => (i18n.language === 'en' ? f.en : f.vi)).join('; '), { cause: e });
        enqueue({ kind: 'screening', id: b.id, label: person.name, body: b });
        return { outcome: local.outcome, reasons: local.reasons, ruleSetVersion: local.ruleSetVersion, queued: true };
      }
    },
    onSuccess: (r) => {
      setResult(r);
      onDone(r);
    },
  });

  const band = (k: v.Vital) => {
    const b = rules.normalVitals[k];
    return b.low !== null && b.high !== null ? `${b.low}–${b.high}` : b.high !== null ? `≤ ${b.high}` : b.low !== null ? `≥ ${b.low}` : '';
  };

  if (result) {
    return (
      <Card withBorder padding="lg">
        <Stack gap="sm">
          <Group>
            <Text fw={600} size="lg">
              {t('vaccination.screening.result')}
            </Text>
            <OutcomeBadge outcome={result.outcome} />
          </Group>
          {result.reasons.length > 0 && (
            <List>
              {result.reasons.map((r) => (
                <List.Item key={r.code}>{i18n.language === 'en' ? r.en : r.vi}</List.Item>
              ))}
            </List>
          )}
          <Text size="xs" c="dimmed">
            {t('vaccination.screening.ruleSet', { version: result.ruleSetVersion })}
          </Text>
          {result.queued && <Alert color="yellow">{t('vaccination.offline.queuedScreening')}</Alert>}
          <Group>
            <Button
              variant="default"
              size="md"
              onClick={() => {
                setResult(null);
                setId(v.clientId());
                submit.reset();
              }}
            >
              {t('vaccination.screening.again')}
            </Button>
          </Group>
        </Stack>
      </Card>
    );
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit.mutate();
      }}
    >
      <Stack gap="md">
        <SimpleGrid cols={{ base: 2, md: 5 }}>
          {v.VITALS.map((k) => (
            <NumberInput
              key={k}
              size="lg"
              name={`vitals.${k}`}
              label={t(`vaccination.vital.${k}`)}
              description={band(k)}
              value={vitals[k] ?? ''}
              onChange={(x) => setVitals((s) => ({ ...s, [k]: x }))}
              decimalScale={k === 'temperatureC' ? 1 : 0}
              decimalSeparator=","
              hideControls
              inputMode="decimal"
            />
          ))}
        </SimpleGrid>
        <Stack gap="xs">
          {v.SCREENING_QUESTIONS.map((q) => (
            <Group key={q} justify="space-between" wrap="nowrap" py={4} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
              <Text size="md">{t(`vaccination.question.${q}`)}</Text>
              <SegmentedControl
                size="md"
                data-question={q}
                value={answers[q] ?? ''}
                onChange={(x) => setAnswers((s) => ({ ...s, [q]: x as Answer }))}
                data={[
                  { value: 'no', label: t('vaccination.no') },
                  { value: 'yes', label: t('vaccination.yes') },
                ]}
              />
            </Group>
          ))}
        </Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput size="lg" label={t('vaccination.question.pregnancyWeeks')} value={pregnancyWeeks} onChange={setPregnancyWeeks} min={0} max={45} allowDecimal={false} />
          <DayInput size="lg" label={t('vaccination.question.lastCovidOn')} value={lastCovidOn} onChange={setLastCovidOn} />
        </SimpleGrid>
        <ProblemAlert error={submit.error} />
        <Button type="submit" size="xl" loading={submit.isPending}>
          {t('vaccination.screening.submit')}
        </Button>
      </Stack>
    </form>
  );
}
