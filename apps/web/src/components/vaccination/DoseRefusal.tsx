import { Alert, Button, Group, List, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api';
import { ProblemAlert } from '../ProblemAlert';
import type * as v from './vaccinationApi';

/** The rule problems a refused dose comes back with (409 dose_not_allowed, problem+json extension `problems`). */
export function problemsOf(e: unknown): v.DoseProblem[] {
  if (!isApiError(e)) return [];
  const raw = e.body.problems;
  return Array.isArray(raw) ? (raw as v.DoseProblem[]).filter((p) => p && typeof p === 'object' && typeof p.code === 'string') : [];
}

/**
 * Why the server refused a dose, rule by rule; when every problem may be overridden, a reason and a button to record
 * it anyway (the server stores the reason with the dose). Any other failure shows as a plain problem.
 */
export function DoseRefusal({ error, pending, onOverride, onCancel, size = 'lg' }: { error: unknown; pending: boolean; onOverride: (reason: string) => void; onCancel: () => void; size?: 'md' | 'lg' }) {
  const { t, i18n } = useTranslation();
  const [reason, setReason] = useState('');
  const problems = problemsOf(error);
  if (problems.length === 0) return <ProblemAlert error={error} />;
  const overridable = problems.every((p) => p.overridable);
  return (
    <Alert color="red" title={t('vaccination.injection.refused')} role="alert">
      <List size="sm">
        {problems.map((p) => (
          <List.Item key={p.code}>{i18n.language === 'en' ? p.en : p.vi}</List.Item>
        ))}
      </List>
      {overridable && (
        <Stack gap="xs" mt="sm">
          <Textarea label={t('vaccination.injection.overrideReason')} name="overrideReason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={1000} autosize minRows={2} />
          <Group>
            <Button color="red" size={size} disabled={!reason.trim()} loading={pending} onClick={() => onOverride(reason.trim())}>
              {t('vaccination.injection.override')}
            </Button>
            <Button variant="default" size={size} onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          </Group>
        </Stack>
      )}
    </Alert>
  );
}
