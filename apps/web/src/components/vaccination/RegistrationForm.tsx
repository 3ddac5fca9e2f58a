import { Button, Group, Select, Stack, Textarea } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AreaPicker } from '../AreaPicker';
import { ProblemAlert } from '../ProblemAlert';
import { DayInput } from './DayInput';
import * as v from './vaccinationApi';

export const priorityGroupsQuery = {
  queryKey: ['vaccination', 'priority-groups'],
  queryFn: ({ signal }: { signal: AbortSignal }) => v.listPriorityGroups(signal),
  retry: false,
  staleTime: 60 * 60_000,
};

/** A priority group as "8. Giáo viên…" in the interface language. */
export function useGroupLabel() {
  const { i18n } = useTranslation();
  return (g: v.PriorityGroup) => `${g.rank}. ${i18n.language === 'en' ? g.nameEn : g.nameVi}`;
}

/**
 * The fields of a registration (commune, preferred day, priority group, note), for a citizen registering themselves
 * or staff registering a person without a smartphone. The client id is kept across retries so a double tap or a
 * resend registers once; a new one is made after success.
 */
export function RegistrationForm({
  communeCode,
  submit,
  onDone,
  submitLabel,
}: {
  communeCode: string | null;
  submit: (body: v.SelfRegistrationInput) => Promise<v.Registration>;
  onDone: (r: v.Registration) => void;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const groupLabel = useGroupLabel();
  const groups = useQuery(priorityGroupsQuery);
  const [id, setId] = useState(() => v.clientId());
  const [group, setGroup] = useState<string | null>(null);
  const [areaCode, setAreaCode] = useState<string | null>(communeCode);
  const [preferredDate, setPreferredDate] = useState('');
  const [note, setNote] = useState('');
  const register = useMutation({
    mutationFn: () =>
      submit({
        id,
        ...(group ? { priorityGroup: group } : {}),
        ...(areaCode ? { areaCode } : {}),
        ...(preferredDate ? { preferredDate } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    onSuccess: (r) => {
      setId(v.clientId());
      setNote('');
      onDone(r);
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        register.mutate();
      }}
    >
      <Stack gap="xs">
        <AreaPicker label={t('vaccination.me.area')} description={t('vaccination.me.areaHelp')} kind="commune" value={areaCode} onChange={(c) => setAreaCode(c)} required />
        <DayInput label={t('vaccination.me.preferredDate')} value={preferredDate} onChange={setPreferredDate} />
        {!groups.isError && (
          <Select
            label={t('vaccination.me.priorityGroup')}
            data={(groups.data?.items ?? []).filter((g) => g.active).map((g) => ({ value: g.code, label: groupLabel(g) }))}
            value={group}
            onChange={setGroup}
            clearable
            searchable
          />
        )}
        <Textarea label={t('vaccination.me.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} autosize minRows={2} />
        <ProblemAlert error={register.error} />
        <Group>
          <Button type="submit" disabled={!areaCode} loading={register.isPending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
