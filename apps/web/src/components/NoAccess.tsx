import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useUser } from '../lib/user';

/** Renders the page only for users holding the scope; others see why not (the nav already hides it). */
export function RequireScope({ scope, children }: { scope: string | ((scopes: string[]) => boolean); children: ReactNode }) {
  const user = useUser();
  const { t } = useTranslation();
  const ok = typeof scope === 'string' ? user.scopes.includes(scope) : scope(user.scopes);
  if (!ok) {
    return (
      <Alert color="yellow" title={t('errors.noAccessTitle')}>
        {t('errors.noAccess')}
      </Alert>
    );
  }
  return <>{children}</>;
}
