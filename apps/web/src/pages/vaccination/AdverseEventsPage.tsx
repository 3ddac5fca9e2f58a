import { Badge, Button, Card, Checkbox, Group, Modal, SegmentedControl, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AnchorLink } from '../../components/links';
import { useVaccineName } from '../../components/vaccination/common';
import { PagedTable } from '../../components/vaccination/PagedTable';
import * as v from '../../components/vaccination/vaccinationApi';
import { formatDateTime } from '../../lib/format';
import { hasScope, useUser } from '../../lib/user';

const PAGE = 50;
type Pending = 'true' | 'false' | 'all';

/** Adverse events following immunisation in the jurisdiction; an investigator sets each one's WHO causality class. */
export function AdverseEventsPage() {
  return (
    <RequireScope scope="vaccination:read">
      <AdverseEvents />
    </RequireScope>
  );
}

function AdverseEvents() {
  const { t } = useTranslation();
  const user = useUser();
  const vaccineName = useVaccineName();
  const [pending, setPending] = useState<Pending>('true');
  const [serious, setSerious] = useState(false);
  const [offset, setOffset] = useState(0);
  const [classifying, setClassifying] = useState<v.AdverseEvent | null>(null);
  const query = { ...(pending !== 'all' ? { pendingCausality: pending } : {}), ...(serious ? { serious: 'true' as const } : {}), limit: PAGE, offset };
  const events = useQuery({ queryKey: ['vaccination', 'adverse-events', query], queryFn: ({ signal }) => v.listAdverseEvents(query, signal), placeholderData: keepPreviousData });
  const canClassify = hasScope(user, 'vaccination:write');
  return (
    <Stack gap="md">
      <Title order={1} size="h3">
        {t('vaccination.aefi.title')}
      </Title>
      <Group>
        <SegmentedControl
          value={pending}
          onChange={(x) => {
            setPending(x as Pending);
            setOffset(0);
          }}
          data={[
            { value: 'true', label: t('vaccination.aefi.pending') },
            { value: 'false', label: t('vaccination.aefi.classified') },
            { value: 'all', label: t('vaccination.aefi.all') },
          ]}
        />
        <Checkbox
          label={t('vaccination.aefi.seriousOnly')}
          checked={serious}
          onChange={(e) => {
            setSerious(e.currentTarget.checked);
            setOffset(0);
          }}
        />
      </Group>
      <Card withBorder padding={0}>
        <PagedTable
          query={events}
          testId="adverse-events"
          minWidth={960}
          empty={t('vaccination.aefi.empty')}
          columns={[
            { label: t('vaccination.adverse.onset') },
            { label: t('vaccination.vaccine') },
            { label: t('vaccination.adverse.symptoms') },
            { label: t('vaccination.adverse.severity') },
            { label: t('vaccination.adverse.outcome') },
            { label: t('vaccination.aefi.causality') },
            { label: '' },
          ]}
          row={(e) => (
            <Table.Tr key={e.id}>
              <Table.Td>
                {formatDateTime(e.onsetAt)}
                {hasScope(user, 'people:read') && (
                  <div>
                    <AnchorLink to="/people/$id" params={{ id: e.personId }} size="sm">
                      {t('vaccination.aefi.person')}
                    </AnchorLink>
                  </div>
                )}
              </Table.Td>
              <Table.Td>{vaccineName(e.vaccineCode)}</Table.Td>
              <Table.Td>
                {e.symptoms.map((s) => t(`vaccination.symptom.${s}`, { defaultValue: s })).join(', ')}
                {e.description && (
                  <Text size="xs" c="dimmed">
                    {e.description}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {e.serious && <Badge color="red">{t('vaccination.adverse.serious')}</Badge>}
                  <Badge variant="light" color={e.severity === 'severe' ? 'red' : e.severity === 'moderate' ? 'orange' : 'gray'}>
                    {t(`vaccination.severity.${e.severity}`)}
                  </Badge>
                </Group>
              </Table.Td>
              <Table.Td>{t(`vaccination.aefiOutcome.${e.outcome}`)}</Table.Td>
              <Table.Td>
                {e.causality ? (
                  <Stack gap={2}>
                    <Badge variant="filled" title={t(`vaccination.causality.${e.causality}`)}>
                      {e.causality}
                    </Badge>
                    {e.causalityNote && <Text size="xs">{e.causalityNote}</Text>}
                  </Stack>
                ) : (
                  <Text size="sm" c="dimmed">
                    {t('vaccination.aefi.notClassified')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {canClassify && (
                  <Button size="sm" variant="light" onClick={() => setClassifying(e)}>
                    {e.causality ? t('vaccination.aefi.revise') : t('vaccination.aefi.classify')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          )}
          paging={{ offset, pageSize: PAGE, onPage: setOffset }}
        />
      </Card>
      <Modal opened={classifying !== null} onClose={() => setClassifying(null)} title={t('vaccination.aefi.classify')}>
        {classifying && <CausalityForm event={classifying} onDone={() => setClassifying(null)} />}
      </Modal>
    </Stack>
  );
}

function CausalityForm({ event, onDone }: { event: v.AdverseEvent; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [causality, setCausality] = useState<v.Causality | null>(event.causality);
  const [note, setNote] = useState(event.causalityNote ?? '');
  const save = useMutation({
    mutationFn: () => v.setCausality(event.id, { causality: causality!, ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['vaccination', 'adverse-events'] });
      onDone();
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack gap="sm">
        <Text size="sm">{event.symptoms.map((s) => t(`vaccination.symptom.${s}`, { defaultValue: s })).join(', ')}</Text>
        <Select
          label={t('vaccination.aefi.causality')}
          name="causality"
          data={v.CAUSALITY_CLASSES.map((c) => ({ value: c, label: `${c} · ${t(`vaccination.causality.${c}`)}` }))}
          value={causality}
          onChange={(c) => setCausality(c as v.Causality | null)}
          allowDeselect={false}
          required
        />
        <Textarea label={t('vaccination.aefi.note')} name="causalityNote" value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={2000} autosize minRows={3} />
        <ProblemAlert error={save.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={!causality} loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
