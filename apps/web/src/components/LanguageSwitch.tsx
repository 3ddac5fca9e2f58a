import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** VI / EN switch; the choice is remembered in localStorage and sets <html lang>. */
export function LanguageSwitch({ variant = 'light' }: { variant?: 'light' | 'dark' }) {
  const { i18n, t } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('common.language')}
      value={i18n.language === 'en' ? 'en' : 'vi'}
      onChange={(lng) => void i18n.changeLanguage(lng)}
      data={[
        { value: 'vi', label: 'VI' },
        { value: 'en', label: 'EN' },
      ]}
      color={variant === 'dark' ? 'teal' : 'sen'}
    />
  );
}
