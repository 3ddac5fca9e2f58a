import { ActionIcon, Alert, Button, Grid, Group, Input, SegmentedControl, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { checkNationalId, normalisePhone, type NationalIdKind } from '@sen/domain';

import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api';
import type { Identifier, Person, PersonInput, Sex } from '../api';
import { birthDateToInput, birthYearOf, formatBirthDate, parseBirthDateInput } from '../lib/format';
import { ID_KINDS, SEXES, useLabels } from '../lib/labels';
import { AreaPicker } from './AreaPicker';
import { ProblemAlert } from './ProblemAlert';
import { AnchorLink } from './links';

interface IdRow {
  key: number;
  kind: NationalIdKind;
  value: string;
}

export interface PersonFormProps {
  /** The record being edited; absent when creating. */
  initial?: Person | null;
  /** Prefilled values for a new record (e.g. a new member of a household). */
  defaults?: Partial<PersonInput>;
  onSubmit: (input: PersonInput) => void;
  onCancel?: () => void;
  submitting?: boolean;
  /** The last server failure: field errors are shown on their fields, the rest above the buttons. */
  error?: unknown;
  submitLabel?: string;
}

type Errors = Record<string, string>;

/** For a new record: leave out what was not filled in rather than sending nulls. */
export function withoutEmpty(input: PersonInput): PersonInput {
  const out: PersonInput = { fullName: input.fullName, sex: input.sex };
  if (input.birthDate) out.birthDate = input.birthDate;
  if (input.phone) out.phone = input.phone;
  if (input.address) out.address = input.address;
  if (input.communeCode) out.communeCode = input.communeCode;
  if (input.identifiers?.length) out.identifiers = input.identifiers;
  if (input.householdId) out.householdId = input.householdId;
  return out;
}

/** For an edit: only the fields that changed, so a concurrent edit of another field is not overwritten. */
export function changedFields(before: Person, after: PersonInput): Partial<PersonInput> {
  const patch: Partial<PersonInput> = {};
  const norm = (v: string | null | undefined) => v ?? null;
  if (after.fullName !== before.fullName) patch.fullName = after.fullName;
  if (norm(after.birthDate) !== norm(before.birthDate)) patch.birthDate = norm(after.birthDate);
  if (after.sex !== before.sex) patch.sex = after.sex;
  if (norm(after.phone) !== norm(before.phone)) patch.phone = norm(after.phone);
  if (norm(after.address) !== norm(before.address)) patch.address = norm(after.address);
  if (norm(after.communeCode) !== norm(before.communeCode)) patch.communeCode = norm(after.communeCode);
  const key = (ids: Identifier[] | undefined) => (ids ?? []).map((i) => `${i.kind}:${i.value}`).sort().join('|');
  if (key(after.identifiers) !== key(before.identifiers)) patch.identifiers = after.identifiers ?? [];
  return patch;
}
const asKind = (k: string): NationalIdKind => ((ID_KINDS as readonly string[]).includes(k) ? (k as NationalIdKind) : 'cccd');

/** "body.identifiers.0.value" -> "identifiers.0.value"; "/fullName" -> "fullName". */
function fieldKey(field: string): string {
  return field.replace(/^\//, '').replace(/\//g, '.').replace(/^body\./, '');
}

export function PersonForm({ initial, defaults, onSubmit, onCancel, submitting, error, submitLabel }: PersonFormProps) {
  const { t } = useTranslation();
  const labels = useLabels();
  const start: Partial<PersonInput> = initial ?? defaults ?? {};
  const [fullName, setFullName] = useState(start.fullName ?? '');
  const [birthDate, setBirthDate] = useState(birthDateToInput(start.birthDate));
  const [sex, setSex] = useState<Sex>(start.sex ?? 'unknown');
  const [phone, setPhone] = useState(start.phone ?? '');
  const [address, setAddress] = useState(start.address ?? '');
  const [communeCode, setCommuneCode] = useState<string | null>(start.communeCode ?? null);
  const [nextKey, setNextKey] = useState(100);
  const [ids, setIds] = useState<IdRow[]>(() => {
    const list = (start.identifiers ?? []).map((x, i) => ({ key: i, kind: asKind(x.kind), value: x.value }));
    return list.length ? list : [{ key: 99, kind: 'cccd', value: '' }];
  });
  const [errors, setErrors] = useState<Errors>({});

  // Server field errors, keyed like ours; those we cannot place go in the alert.
  const serverErrors = useMemo(() => {
    const placed: Errors = {};
    const unplaced: { field: string; message: string }[] = [];
    const known = /^(fullName|birthDate|sex|phone|address|communeCode|identifiers(\.\d+(\.(kind|value))?)?)$/;
    if (isApiError(error)) {
      for (const e of error.errors) {
        const k = fieldKey(e.field);
        if (known.test(k)) placed[k] = e.message;
        else unplaced.push(e);
      }
    }
    return { placed, unplaced };
  }, [error]);
  const fieldError = (k: string) => errors[k] ?? serverErrors.placed[k] ?? null;

  const parsedBirth = parseBirthDateInput(birthDate);

  function validate(): PersonInput | null {
    const errs: Errors = {};
    const name = fullName.normalize('NFC').replace(/\s+/g, ' ').trim();
    if (!name) errs.fullName = t('validation.required');
    else if (name.length > 200) errs.fullName = t('validation.tooLong', { max: 200 });
    let birth: string | null = null;
    if (birthDate.trim()) {
      birth = parseBirthDateInput(birthDate);
      if (!birth) errs.birthDate = t('validation.birthDate');
    }
    let phoneValue: string | null = null;
    if (phone.trim()) {
      phoneValue = normalisePhone(phone);
      if (!phoneValue) errs.phone = t('validation.phone');
    }
    const identifiers: Identifier[] = [];
    const seen = new Set<string>();
    ids.forEach((row, i) => {
      if (!row.value.trim()) return;
      const check = checkNationalId(row.kind, row.value, { birthYear: birthYearOf(birth), sex });
      if (!check.ok) {
        errs[`identifiers.${i}.value`] = labels.idProblem(check.reason);
        return;
      }
      const k = `${row.kind}:${check.value}`;
      if (seen.has(k)) {
        errs[`identifiers.${i}.value`] = t('validation.duplicateId');
        return;
      }
      seen.add(k);
      identifiers.push({ kind: row.kind, value: check.value });
    });
    setErrors(errs);
    if (Object.keys(errs).length) return null;
    const input: PersonInput = {
      fullName: name,
      birthDate: birth,
      sex,
      phone: phoneValue,
      address: address.trim() || null,
      communeCode,
      identifiers,
    };
    if (defaults?.householdId) input.householdId = defaults.householdId;
    return input;
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const input = validate();
    if (input) onSubmit(input);
  }

  function updateRow(key: number, patch: Partial<IdRow>) {
    setIds((rows) => rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  }

  const duplicateOf = isApiError(error) && error.code === 'duplicate_identifier' && typeof error.body.existingPersonId === 'string' ? error.body.existingPersonId : null;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput
          name="fullName"
          label={t('person.fullName')}
          placeholder={t('person.fullNamePlaceholder')}
          required
          value={fullName}
          onChange={(e) => setFullName(e.currentTarget.value)}
          error={fieldError('fullName')}
          data-autofocus
        />
        <Grid gap="sm">
          <Grid.Col span={{ base: 12, sm: 5 }}>
            <TextInput
              name="birthDate"
              label={t('person.birthDate')}
              placeholder={t('person.birthDatePlaceholder')}
              value={birthDate}
              onChange={(e) => setBirthDate(e.currentTarget.value)}
              error={fieldError('birthDate')}
              description={parsedBirth ? t('person.birthDateReads', { date: formatBirthDate(parsedBirth) }) : t('person.birthDateHelp')}
              inputMode="numeric"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 7 }}>
            <Input.Wrapper label={t('person.sex')} error={fieldError('sex')}>
              <SegmentedControl
                fullWidth
                value={sex}
                onChange={(v) => setSex(v as Sex)}
                data={SEXES.map((s) => ({ value: s, label: labels.sex(s) }))}
              />
            </Input.Wrapper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 5 }}>
            <TextInput
              name="phone"
              type="tel"
              label={t('person.phone')}
              placeholder="09xx xxx xxx"
              value={phone}
              onChange={(e) => setPhone(e.currentTarget.value)}
              error={fieldError('phone')}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 7 }}>
            <AreaPicker
              name="communeCode"
              kind="commune"
              label={t('person.commune')}
              value={communeCode}
              onChange={(code) => setCommuneCode(code)}
              error={fieldError('communeCode')}
            />
          </Grid.Col>
        </Grid>
        <Textarea
          name="address"
          label={t('person.address')}
          placeholder={t('person.addressPlaceholder')}
          autosize
          minRows={1}
          maxRows={3}
          value={address}
          onChange={(e) => setAddress(e.currentTarget.value)}
          error={fieldError('address')}
        />
        <Input.Wrapper label={t('person.identifiers')} error={fieldError('identifiers')}>
          <Stack gap={6} mt={4}>
            {ids.map((row, i) => (
              <Group key={row.key} gap="xs" align="flex-start" wrap="nowrap">
                <Select
                  aria-label={t('person.idKind')}
                  w={150}
                  allowDeselect={false}
                  value={row.kind}
                  onChange={(v) => v && updateRow(row.key, { kind: asKind(v) })}
                  data={ID_KINDS.map((k) => ({ value: k, label: labels.idKind(k) }))}
                />
                <TextInput
                  style={{ flex: 1 }}
                  aria-label={labels.idNumberLabel(row.kind)}
                  placeholder={labels.idNumberLabel(row.kind)}
                  value={row.value}
                  onChange={(e) => updateRow(row.key, { value: e.currentTarget.value })}
                  error={fieldError(`identifiers.${i}.value`) ?? fieldError(`identifiers.${i}`)}
                  className="sen-mono"
                />
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  size="lg"
                  aria-label={t('common.remove')}
                  onClick={() => setIds((rows) => (rows.length > 1 ? rows.filter((r) => r.key !== row.key) : [{ ...row, value: '' }]))}
                >
                  ×
                </ActionIcon>
              </Group>
            ))}
            <div>
              <Button
                variant="subtle"
                size="compact-sm"
                onClick={() => {
                  setIds((rows) => [...rows, { key: nextKey, kind: 'cccd', value: '' }]);
                  setNextKey((k) => k + 1);
                }}
              >
                + {t('person.addIdentifier')}
              </Button>
            </div>
          </Stack>
        </Input.Wrapper>

        {duplicateOf ? (
          <Alert color="orange" title={t('person.duplicateIdTitle')}>
            <Text size="sm">{t('person.duplicateIdText')}</Text>
            <AnchorLink to="/people/$id" params={{ id: duplicateOf }} size="sm">
              {t('person.openExisting')}
            </AnchorLink>
          </Alert>
        ) : error ? (
          <ProblemAlert error={error} showFieldErrors={false}>
            {serverErrors.unplaced.length > 0 && (
              <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                {serverErrors.unplaced.map((e, i) => (
                  <li key={i}>
                    {e.field ? `${e.field}: ` : ''}
                    {e.message}
                  </li>
                ))}
              </ul>
            )}
          </ProblemAlert>
        ) : null}

        <Group justify="flex-end" gap="sm">
          {onCancel && (
            <Button variant="default" onClick={onCancel} disabled={submitting}>
              {t('common.cancel')}
            </Button>
          )}
          <Button type="submit" loading={submitting}>
            {submitLabel ?? t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
