import { CloseButton, Combobox, InputBase, Loader, Text, useCombobox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { Area, AreaKind } from '../api';
import { areaQuery } from '../lib/queries';

export interface AreaPickerProps {
  value: string | null;
  onChange: (code: string | null, area: Area | null) => void;
  label?: string;
  placeholder?: string;
  description?: string;
  error?: string | null;
  /** Restrict the choices, e.g. to communes for an address. */
  kind?: AreaKind;
  required?: boolean;
  disabled?: boolean;
  name?: string;
}

/**
 * Type-ahead over /api/areas?q=: accepts names with or without diacritics and returns the area code.
 * Shows full labels ("Phường Ba Đình, Thành phố Hà Nội") so same-named communes can be told apart.
 */
export function AreaPicker({ value, onChange, label, placeholder, description, error, kind, required, disabled, name }: AreaPickerProps) {
  const { t } = useTranslation();
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const [search, setSearch] = useState('');
  const [typing, setTyping] = useState(false);
  const [picked, setPicked] = useState<Area | null>(null);
  const [debounced] = useDebouncedValue(search.trim(), 250);

  // The label of a value that came from outside (a URL, a saved record).
  const known = picked && picked.code === value ? picked : null;
  const selected = useQuery({ ...areaQuery(value ?? ''), enabled: !!value && !known });
  const selectedLabel = (known ? (known.label ?? known.fullName) : null) ?? (selected.data ? (selected.data.area.label ?? selected.data.area.fullName) : null) ?? (value ? value : '');

  const results = useQuery({
    queryKey: ['areas', 'search', debounced, kind ?? null],
    queryFn: ({ signal }) => api.searchAreas({ q: debounced, ...(kind ? { kind } : {}), limit: 20 }, signal),
    enabled: debounced.length >= 2,
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
  const items = debounced.length >= 2 ? (results.data?.items ?? []) : [];

  function choose(code: string) {
    const area = items.find((a) => a.code === code) ?? null;
    setPicked(area);
    onChange(code, area);
    setTyping(false);
    setSearch('');
    combobox.closeDropdown();
  }

  function clear() {
    setPicked(null);
    onChange(null, null);
    setSearch('');
    setTyping(false);
  }

  const inputValue = typing ? search : selectedLabel;
  const rightSection = results.isFetching ? (
    <Loader size={14} />
  ) : value && !disabled ? (
    <CloseButton size="sm" onMouseDown={(e) => e.preventDefault()} onClick={clear} aria-label={t('common.clear')} />
  ) : (
    <Combobox.Chevron />
  );

  return (
    <Combobox store={combobox} onOptionSubmit={choose} withinPortal>
      <Combobox.Target>
        <InputBase
          name={name}
          label={label}
          description={description}
          placeholder={placeholder ?? t('areaPicker.placeholder')}
          error={error}
          required={required}
          disabled={disabled}
          autoComplete="off"
          value={inputValue}
          rightSection={rightSection}
          rightSectionPointerEvents={value && !results.isFetching ? 'all' : 'none'}
          onChange={(e) => {
            setTyping(true);
            setSearch(e.currentTarget.value);
            combobox.openDropdown();
            combobox.updateSelectedOptionIndex();
          }}
          onFocus={() => {
            if (typing) combobox.openDropdown();
          }}
          onClick={() => combobox.openDropdown()}
          onBlur={() => {
            combobox.closeDropdown();
            setTyping(false);
            setSearch('');
          }}
        />
      </Combobox.Target>
      <Combobox.Dropdown>
        <Combobox.Options mah={280} style={{ overflowY: 'auto' }}>
          {debounced.length < 2 ? (
            <Combobox.Empty>{t('areaPicker.typeMore')}</Combobox.Empty>
          ) : items.length === 0 && !results.isFetching ? (
            <Combobox.Empty>{results.isError ? t('errors.generic') : t('areaPicker.nothingFound')}</Combobox.Empty>
          ) : (
            items.map((a) => (
              <Combobox.Option value={a.code} key={a.code} active={a.code === value}>
                <Text size="sm">{a.label ?? a.fullName}</Text>
                <Text size="xs" c="dimmed">
                  {t(`areaKind.${a.kind}`)} · {a.code}
                </Text>
              </Combobox.Option>
            ))
          )}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
