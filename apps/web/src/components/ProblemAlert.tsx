import { Alert, List } from '@mantine/core';
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

export function ProblemAlert({ error, title, children, showFieldErrors = true }: { error: unknown; title?: string; children?: ReactNode; showFieldErrors?: boolean }) {
  const { t } = useTranslation();
  const message = useErrorMessage();
  if (!error) return null;
  const fieldErrors = showFieldErrors && isApiError(error) ? error.errors : [];
  return (
    <Alert color="red" variant="light" title={title ?? t('errors.title')} role="alert">
      {message(error)}
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
