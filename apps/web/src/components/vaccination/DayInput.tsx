import { TextInput, type TextInputProps } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parseDayInput } from '../../lib/format';

const pad = (n: number) => String(n).padStart(2, '0');
const toIso = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const toText = (iso: string) => (iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '');

/**
 * A day typed as dd/mm/yyyy whatever the browser's language (a native date input shows mm/dd/yyyy on an English
 * Chrome); hands back ISO YYYY-MM-DD, or '' while empty. An unreadable day shows an error and is not passed on.
 */
export function DayInput({ value, onChange, ...props }: Omit<TextInputProps, 'value' | 'onChange'> & { value: string; onChange: (iso: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => toText(value));
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    // Changed from outside (a reset): show it.
    setSeen(value);
    setText(toText(value));
  }
  const parsed = text.trim() ? parseDayInput(text) : null;
  return (
    <TextInput
      placeholder="dd/mm/yyyy"
      inputMode="numeric"
      {...props}
      value={text}
      error={text.trim() && !parsed ? t('validation.day') : props.error}
      onChange={(e) => {
        const next = e.currentTarget.value;
        setText(next);
        const d = next.trim() ? parseDayInput(next) : null;
        const iso = d ? toIso(d) : '';
        if (!next.trim() || d) {
          setSeen(iso);
          onChange(iso);
        }
      }}
    />
  );
}

/** A time of day typed as HH:MM (24 hours), for the same reason. */
export function TimeOfDayInput({ value, onChange, ...props }: Omit<TextInputProps, 'value' | 'onChange'> & { value: string; onChange: (hhmm: string) => void }) {
  const { t } = useTranslation();
  const ok = /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
  return (
    <TextInput
      placeholder="HH:MM"
      inputMode="numeric"
      maxLength={5}
      {...props}
      value={value}
      error={value && !ok ? t('vaccination.timeOfDay') : props.error}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}
