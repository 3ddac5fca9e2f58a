import { Button, Group } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { hasScope, useUser } from '../../lib/user';
import { personQrCardUrl } from './checkinsApi';

/**
 * On a person's record, for staff: print their personal QR card (people without a phone show it at venues) and
 * declare their health for them (people:write where they live).
 */
export function PersonCheckinActions({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  return (
    <Group gap="xs">
      <Button component="a" href={personQrCardUrl(personId)} download variant="default" data-testid="qr-card-link">
        {t('checkins.person.qrCard')}
      </Button>
      {hasScope(user, 'people:write') && (
        <Button variant="default" onClick={() => void navigate({ to: '/people/$id/declare', params: { id: personId } })}>
          {t('checkins.person.declare')}
        </Button>
      )}
    </Group>
  );
}
