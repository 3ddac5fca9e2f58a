import { Button, Collapse, Grid, Group, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { parseSmartQuery } from '../lib/smart-search';
import type { PeopleSearch } from '../router';
import { AreaPicker } from './AreaPicker';

/** The smart box plus advanced fields; emits criteria for the URL. */
export function PeopleSearchForm({ initial, onSearch }: { initial: PeopleSearch; onSearch: (s: PeopleSearch) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState(initial.q ?? '');
  const [idNumber, setIdNumber] = useState(initial.idNumber ?? '');
  const [phone, setPhone] = useState(initial.phone ?? '');
  const [birthYear, setBirthYear] = useState(initial.birthYear ?? '');
  const [area, setArea] = useState<string | null>(initial.area ?? null);
  const [advanced, setAdvanced] = useState(!!(initial.idNumber || initial.phone || initial.birthYear || initial.area));

  function submit(e: FormEvent) {
    e.preventDefault();
    // Tokens in the box that look like an ID, a phone or a year are read as such; explicit fields win.
    const smart = parseSmartQuery(q);
    const next: PeopleSearch = { ...smart };
    if (idNumber.trim()) next.idNumber = idNumber.replace(/[\s.-]/g, '');
    if (phone.trim()) next.phone = phone.replace(/[\s.()-]/g, '');
    if (birthYear.trim()) next.birthYear = birthYear.trim();
    if (area) next.area = area;
    onSearch(next);
  }

  function reset() {
    setQ('');
    setIdNumber('');
    setPhone('');
    setBirthYear('');
    setArea(null);
    onSearch({});
  }

  const yearInvalid = birthYear.trim() !== '' && !/^\d{4}$/.test(birthYear.trim());

  return (
    <form onSubmit={submit} role="search">
      <Group gap="sm" align="flex-start" wrap="wrap">
        <TextInput
          name="q"
          style={{ flex: '1 1 320px' }}
          placeholder={t('people.smartPlaceholder')}
          aria-label={t('people.title')}
          description={t('people.smartHelp')}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
        />
        <Group gap="xs">
          <Button type="submit">{t('common.search')}</Button>
          <Button variant="subtle" onClick={() => setAdvanced((v) => !v)} aria-expanded={advanced}>
            {advanced ? t('people.hideAdvanced') : t('people.advanced')}
          </Button>
          <Button variant="subtle" color="gray" onClick={reset}>
            {t('common.reset')}
          </Button>
        </Group>
      </Group>
      <Collapse expanded={advanced}>
        <Grid gap="sm" mt="sm">
          <Grid.Col span={{ base: 12, sm: 6, lg: 3 }}>
            <TextInput name="idNumber" label={t('people.idNumber')} value={idNumber} onChange={(e) => setIdNumber(e.currentTarget.value)} inputMode="numeric" />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6, lg: 3 }}>
            <TextInput name="phone" type="tel" label={t('person.phone')} value={phone} onChange={(e) => setPhone(e.currentTarget.value)} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4, lg: 2 }}>
            <TextInput
              name="birthYear"
              label={t('people.birthYear')}
              placeholder="1954"
              value={birthYear}
              onChange={(e) => setBirthYear(e.currentTarget.value)}
              inputMode="numeric"
              maxLength={4}
              error={yearInvalid ? t('validation.year') : null}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 8, lg: 4 }}>
            <AreaPicker name="area" label={t('people.area')} value={area} onChange={(code) => setArea(code)} />
          </Grid.Col>
        </Grid>
      </Collapse>
    </form>
  );
}
