import { Card, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBirthDate } from '../../lib/format';
import type { Verification } from '../../pages/verifier/trustCache';

/**
 * Green or red, big: the holder's name and date of birth only, and the reason a certificate failed. Used by the
 * officer's verifier and by a citizen passing a checkpoint (who shows the screen to the officer).
 */
export function VerificationResult({ v, note, children }: { v: Verification; note?: string | null; children?: ReactNode }) {
  const { t, i18n } = useTranslation();
  const ok = v.result.valid;
  const code = v.result.code ?? 'invalid';
  const known = i18n.exists(`verifier.reason.${code}`);
  return (
    <Card
      withBorder
      padding="lg"
      data-testid="verify-result"
      data-valid={ok ? 'true' : 'false'}
      style={{ background: ok ? 'var(--mantine-color-green-1)' : 'var(--mantine-color-red-1)', borderColor: ok ? 'var(--mantine-color-green-7)' : 'var(--mantine-color-red-7)', borderWidth: 3 }}
    >
      <Stack gap={6}>
        <Title order={2} c={ok ? 'green.9' : 'red.9'}>
          {ok ? t('verifier.valid') : t('verifier.invalid')}
        </Title>
        {children}
        {v.holder && (
          <>
            <Text size="xl" fw={700} data-testid="holder-name">
              {v.holder.name}
            </Text>
            <Text>{t('verifier.dob', { dob: formatBirthDate(v.holder.dob) })}</Text>
          </>
        )}
        {!ok && (
          <Text c="red.9" data-testid="fail-reason">
            {known ? t(`verifier.reason.${code}`) : t('verifier.reason.other', { reason: v.result.reason ?? code })}
          </Text>
        )}
        {note && <Text size="xs" c="dimmed">{note}</Text>}
      </Stack>
    </Card>
  );
}
