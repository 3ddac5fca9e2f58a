import { Badge, Button, Card, Group, NumberInput, SegmentedControl, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { vnToday } from '@sen/domain';
import type { PersonSummary } from '../../api';
import { AnchorLink } from '../../components/links';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import * as c from '../../components/checkins/checkinsApi';
import { PageLoader } from '../../components/vaccination/common';
import { PersonLookup } from '../../components/vaccination/PersonLookup';
import { formatBirthDate, formatDateTime } from '../../lib/format';

export function TracingPage() {
  return (
    <RequireScope scope="tracing:run">
      <Tracing />
    </RequireScope>
  );
}

type IndexPerson = Pick<PersonSummary, 'id' | 'fullName' | 'birthDate'>;

function Tracing() {
  const { t } = useTranslation();
  // Picked in the run form, or handed over from an alert ("trace this person").
  const [person, setPerson] = useState<IndexPerson | null>(null);
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1} size="h3">
        {t('tracing.title')}
      </Title>
      {/* A new person starts a new form: a reason given for one person is never sent for another. */}
      <RunTrace key={person?.id ?? ''} person={person} setPerson={setPerson} />
      <Alerts
        onTrace={(a) => {
          setPerson({ id: a.personId, fullName: a.fullName, birthDate: null });
          window.scrollTo({ top: 0, behavior: 'smooth' });
        }}
      />
    </Stack>
  );
}


/** Run a trace: the positive person, the window before the test, the rule, and the reason (audited). */
function RunTrace({ person, setPerson }: { person: IndexPerson | null; setPerson: (p: IndexPerson | null) => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [testDate, setTestDate] = useState(vnToday());
  const [days, setDays] = useState<number | string>(14);
  const [ruleKind, setRuleKind] = useState<'window' | 'overlap'>('window');
  const [minutes, setMinutes] = useState<number | string>(60);
  const [reason, setReason] = useState('');
  // Listing the person's earlier runs is a tracing query too: it goes with the reason typed above, on request.
  const [runsReason, setRunsReason] = useState<string | null>(null);
  const runs = useQuery({
    queryKey: ['tracing', 'runs', person?.id, runsReason],
    queryFn: ({ signal }) => c.listRuns(person!.id, runsReason!, signal),
    enabled: !!person && runsReason !== null,
  });
  const run = useMutation({
    mutationFn: c.runTrace,
    onSuccess: (r) => navigate({ to: '/tracing/runs/$id', params: { id: r.id } }),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!person) return;
    const m = Number(minutes) || 0;
    run.mutate({
      personId: person.id,
      testDate,
      days: Number(days) || 14,
      rule: ruleKind === 'window' ? { kind: 'window', minutes: m } : { kind: 'overlap', minMinutes: m },
      reason: reason.trim(),
    });
  }
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('tracing.run.title')}
        </Title>
        {person ? (
          <Group justify="space-between" data-testid="trace-person">
            <Text fw={600}>
              {person.fullName}
              {person.birthDate ? ` · ${formatBirthDate(person.birthDate)}` : ''}
            </Text>
            <Button variant="subtle" size="xs" onClick={() => setPerson(null)}>
              {t('tracing.run.otherPerson')}
            </Button>
          </Group>
        ) : (
          <PersonLookup onPick={setPerson} actionLabel={t('tracing.run.pick')} size="md" />
        )}
        {person && (
          <form onSubmit={submit} aria-label={t('tracing.run.title')}>
            <Stack gap="sm">
              <Group grow align="flex-start">
                <TextInput type="date" name="testDate" label={t('tracing.run.testDate')} value={testDate} onChange={(e) => setTestDate(e.currentTarget.value)} required />
                <NumberInput name="days" label={t('tracing.run.days')} min={1} max={28} value={days} onChange={setDays} />
              </Group>
              <Group align="flex-end" grow>
                <Stack gap={4}>
                  <Text size="sm" fw={500}>
                    {t('tracing.run.rule')}
                  </Text>
                  <SegmentedControl
                    value={ruleKind}
                    onChange={(v) => {
                      setRuleKind(v as 'window' | 'overlap');
                      setMinutes(v === 'window' ? 60 : 10);
                    }}
                    data={[
                      { value: 'window', label: t('tracing.rule.window') },
                      { value: 'overlap', label: t('tracing.rule.overlap') },
                    ]}
                  />
                </Stack>
                <NumberInput name="minutes" label={t(ruleKind === 'window' ? 'tracing.run.windowMinutes' : 'tracing.run.minOverlap')} min={0} max={ruleKind === 'window' ? 240 : 720} value={minutes} onChange={setMinutes} />
              </Group>
              <Textarea name="reason" label={t('tracing.run.reason')} description={t('tracing.run.reasonHint')} required minLength={3} maxLength={500} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
              <ProblemAlert error={run.error} />
              <Group>
                <Button type="submit" loading={run.isPending}>
                  {t('tracing.run.submit')}
                </Button>
                <Button variant="default" disabled={reason.trim().length < 3} loading={runs.isFetching} onClick={() => setRunsReason(reason.trim())}>
                  {t('tracing.run.showPrevious')}
                </Button>
              </Group>
              <ProblemAlert error={runs.error} />
            </Stack>
          </form>
        )}
        {person && runs.data && runs.data.items.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('tracing.run.noPrevious')}
          </Text>
        )}
        {person && runs.data && runs.data.items.length > 0 && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('tracing.run.previous')}
            </Text>
            {runs.data.items.map((r) => (
              <AnchorLink key={r.id} to="/tracing/runs/$id" params={{ id: r.id }} size="sm">
                {formatDateTime(r.createdAt)} · {t('tracing.run.candidates', { count: r.candidateCount })} · {r.reason}
              </AnchorLink>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

/** Alerts raised by declarations (warning symptoms, exposure, travel from a risk area) in my jurisdiction. */
function Alerts({ onTrace }: { onTrace: (a: c.DeclarationAlert) => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [status, setStatus] = useState<'open' | 'acknowledged' | 'closed'>('open');
  const alerts = useQuery({ queryKey: ['tracing', 'alerts', status], queryFn: ({ signal }) => c.listAlerts({ status, limit: 100 }, signal) });
  const codes = useQuery({ queryKey: ['declarations', 'codes'], queryFn: ({ signal }) => c.getDeclarationCodes(signal), staleTime: Infinity });
  const update = useMutation({
    mutationFn: (a: { alert: c.DeclarationAlert; status: 'acknowledged' | 'closed' }) => c.updateAlert(a.alert.id, { version: a.alert.version, status: a.status }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['tracing', 'alerts'] }),
  });
  const label = (code: string) => {
    const all = [...(codes.data?.warningReasons ?? []), ...(codes.data?.symptoms ?? []), ...(codes.data?.exposures ?? [])];
    const found = all.find((x) => x.code === code);
    return found ? (i18n.language === 'en' ? found.en : found.vi) : code;
  };
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t('tracing.alerts.title')}
          </Title>
          <SegmentedControl
            size="xs"
            value={status}
            onChange={(v) => setStatus(v as typeof status)}
            data={(['open', 'acknowledged', 'closed'] as const).map((s) => ({ value: s, label: t(`tracing.alerts.status.${s}`) }))}
          />
        </Group>
        <ProblemAlert error={update.error} />
        {alerts.isPending ? (
          <PageLoader />
        ) : alerts.isError ? (
          <ProblemAlert error={alerts.error} />
        ) : alerts.data.items.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('tracing.alerts.empty')}
          </Text>
        ) : (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('tracing.alerts.when')}</Table.Th>
                <Table.Th>{t('tracing.alerts.person')}</Table.Th>
                <Table.Th>{t('tracing.alerts.reasons')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {alerts.data.items.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>{formatDateTime(a.createdAt)}</Table.Td>
                  <Table.Td>
                    <AnchorLink to="/people/$id" params={{ id: a.personId }}>
                      {a.fullName}
                    </AnchorLink>
                    {a.phone && <Text size="xs">{a.phone}</Text>}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {[...a.reasons, ...a.symptoms].map((r) => (
                        <Badge key={r} variant="light" color="orange">
                          {label(r)}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-xs" variant="default" onClick={() => onTrace(a)}>
                        {t('tracing.alerts.trace')}
                      </Button>
                      {a.status === 'open' && (
                        <Button size="compact-xs" variant="light" onClick={() => update.mutate({ alert: a, status: 'acknowledged' })}>
                          {t('tracing.alerts.acknowledge')}
                        </Button>
                      )}
                      {a.status !== 'closed' && (
                        <Button size="compact-xs" variant="subtle" onClick={() => update.mutate({ alert: a, status: 'closed' })}>
                          {t('tracing.alerts.close')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
