import { Alert, List, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api';

/** A sentence for any failure: the server's own detail when it gave one, otherwise a translated generic message. */
export function useErrorMessage() {
  const { t } = useTranslation();
  return (error: unknown): string => {
    if (isApiError(error)) {
      if (error.status === 0) return t('errors.network');
      if (error.status === 403) return t('errors.forbidden');
      if (error.status === 429) return t('errors.rateLimited');
      if (error.status >= 500) return t('errors.server');
      return error.message || t('errors.generic');
    }
    return error instanceof Error && error.message ? error.message : t('errors.generic');
  };
}

/**
 * A refusal (403) says why under the generic sentence: the server's problem detail names the permission or the
 * jurisdiction that is missing, which is what the person needs to ask for.
 */
function refusalReason(error: unknown): string | null {
  return isApiError(error) && error.status === 403 && typeof error.body.detail === 'string' && error.body.detail.trim() ? error.body.detail : null;
}

export function ProblemAlert({ error, title, children, showFieldErrors = true }: { error: unknown; title?: string; children?: ReactNode; showFieldErrors?: boolean }) {
  const { t } = useTranslation();
  const message = useErrorMessage();
  if (!error) return null;
  const fieldErrors = showFieldErrors && isApiError(error) ? error.errors : [];
  const reason = refusalReason(error);
  return (
    <Alert color="red" variant="light" title={title ?? t('errors.title')} role="alert">
      {message(error)}
      {reason && (
        <Text size="sm" mt={4} data-testid="problem-detail">
          {t('errors.reason', { reason })}
        </Text>
      )}
      {fieldErrors.length > 0 && (
        <List size="sm" mt={4}>
          {fieldErrors.map((e, i) => (
            <List.Item key={i}>
              {e.field ? <strong>{e.field}: </strong> : null}
              {e.message}
            </List.Item>
          ))}
        </List>
      )}
      {children}
    </Alert>
  );
}
