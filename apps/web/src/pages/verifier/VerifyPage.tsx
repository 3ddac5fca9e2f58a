import { Alert, Anchor, Badge, Box, Button, Card, Container, Group, Select, Stack, Text, Textarea } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../../api';
import * as c from '../../components/checkins/checkinsApi';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { QrScanner } from '../../components/checkins/QrScanner';
import { VerificationResult } from '../../components/checkins/VerificationResult';
import { SenLogo } from '../../components/SenLogo';
import { formatDateTime } from '../../lib/format';
import { flushPassages, logPassage, readPassages } from './passageQueue';
import { hasCachedTrust, loadCachedTrust, refreshTrust, verifyOffline, type TrustState, type Verification } from './trustCache';

const CHECKPOINTS_KEY = 'sen.verifier.checkpoints';
const CHOSEN_KEY = 'sen.verifier.checkpoint';
const REASON_CODE = /^[a-z0-9_]{1,60}$/;

function readJson<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

/**
 * The offline verifier (/verify): it installs with the app shell (service worker), keeps the signed trust list,
 * revocations and rules, and verifies an HC1 QR code on the device with no network. It shows green or red with the
 * holder's name and date of birth only, and why a certificate failed. An officer signed in with checkpoint:verify
 * can pick a checkpoint: each result is then logged (queued while offline).
 */
export function VerifyPage() {
  const { t } = useTranslation();
  const [trust, setTrust] = useState<TrustState | null>(null);
  const [trustError, setTrustError] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [pasted, setPasted] = useState('');
  const [online, setOnline] = useState(() => navigator.onLine);
  const [checkpoints, setCheckpoints] = useState<c.Checkpoint[]>(() => readJson(CHECKPOINTS_KEY, []));
  const [checkpointId, setCheckpointId] = useState<string | null>(() => readJson<string | null>(CHOSEN_KEY, null));
  const [pending, setPending] = useState(() => readPassages().length);
  const [logged, setLogged] = useState<'sent' | 'queued' | null>(null);

  const refresh = useCallback(async () => {
    setRefreshing(true);
    try {
      setTrust(await refreshTrust());
      setTrustError(null);
    } catch (e) {
      // Offline or refused: keep what is cached, and say why when there is nothing.
      try {
        const cached = await loadCachedTrust();
        setTrust(cached);
        setTrustError(cached ? null : e instanceof Error ? e.message : String(e));
      } catch (cacheErr) {
        setTrust(null);
        setTrustError(cacheErr instanceof Error ? cacheErr.message : String(cacheErr));
      }
    } finally {
      setRefreshing(false);
    }
  }, []);

  const syncPassages = useCallback(async () => {
    await flushPassages().catch(() => undefined);
    setPending(readPassages().length);
  }, []);

  useEffect(() => {
    void (async () => {
      // Start from the cache at once (works offline), then try the network.
      try {
        const cached = await loadCachedTrust();
        if (cached) setTrust(cached);
      } catch (e) {
        setTrustError(e instanceof Error ? e.message : String(e));
      }
      if (navigator.onLine) await refresh();
      else if (!(await hasCachedTrust())) setTrustError('offline');
    })();
    // An officer's checkpoints (only when signed in with checkpoint:verify; kept for offline use).
    void api
      .getMe()
      .then(async (me) => {
        if (!me?.scopes.includes('checkpoint:verify')) return;
        const list = await c.listCheckpoints();
        setCheckpoints(list.items.filter((x) => x.active));
        localStorage.setItem(CHECKPOINTS_KEY, JSON.stringify(list.items.filter((x) => x.active)));
      })
      .catch(() => undefined);
    const up = () => {
      setOnline(true);
      void refresh();
      void syncPassages();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, [refresh, syncPassages]);

  async function verify(text: string) {
    if (!trust) return;
    setLogged(null);
    const v = await verifyOffline(text, trust.list);
    setVerification(v);
    if (checkpointId) {
      const code = v.result.code && REASON_CODE.test(v.result.code) ? v.result.code : 'invalid';
      const out = await logPassage({
        checkpointId,
        result: v.result.valid ? 'pass' : 'fail',
        ...(v.result.valid ? {} : { failureReason: code }),
        ...(v.certificateHash ? { certificateHash: v.certificateHash } : {}),
        passedAt: new Date().toISOString(),
      }).catch(() => null);
      setLogged(out);
      setPending(readPassages().length);
    }
  }

  const ageHours = trust?.list.ageHours ?? null;
  return (
    <Box mih="100vh" bg="gray.0">
      <Box bg="sen.9" c="white" px="md" py="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap={8} wrap="nowrap" style={{ minWidth: 0 }}>
            <SenLogo size={26} />
            <Text fw={700} size="sm" lh={1.2}>
              {t('verifier.title')}
            </Text>
          </Group>
          <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
            <Badge color={online ? 'green' : 'gray'} variant="filled" size="sm" style={{ overflow: 'visible' }} data-testid="network-state">
              {t(online ? 'verifier.online' : 'verifier.offline')}
            </Badge>
            <LanguageSwitch variant="dark" />
          </Group>
        </Group>
      </Box>
      <Container size="sm" py="md">
        <Stack gap="md">
          <Card withBorder data-testid="trust-status">
            {trust ? (
              <Stack gap={4}>
                <Text size="sm">
                  {t('verifier.trust.line', {
                    version: trust.list.body.version,
                    issued: formatDateTime(trust.list.body.issuedAt),
                    age: ageHours !== null && ageHours < 1 ? t('verifier.trust.fresh') : t('verifier.trust.hours', { count: Math.floor(ageHours ?? 0) }),
                  })}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('verifier.trust.counts', { signers: trust.list.body.signers.length, revoked: trust.list.revocations.count, rules: trust.list.rules.version })}
                  {trust.fetchedAt ? ` · ${t('verifier.trust.fetched', { at: formatDateTime(trust.fetchedAt) })}` : ''}
                  {` · ${t('verifier.trust.limit', { hours: trust.list.stalePolicy.warnAfterHours, days: trust.list.stalePolicy.refuseAfterDays })}`}
                </Text>
                {trust.saveError && (
                  <Alert color="red" p="xs" data-testid="trust-save-error" title={t('verifier.trust.saveErrorTitle')}>
                    {t('verifier.trust.saveError', { reason: trust.saveError })}
                  </Alert>
                )}
                {trust.list.warnings.length > 0 && (
                  <Alert color="yellow" p="xs" data-testid="trust-stale">
                    {t('verifier.trust.stale', { hours: Math.floor(ageHours ?? 0) })}
                  </Alert>
                )}
              </Stack>
            ) : (
              <Alert color="red" title={t('verifier.trust.missingTitle')}>
                {trustError === 'offline' ? t('verifier.trust.offlineFirst') : /expired/.test(trustError ?? '') ? t('verifier.trust.expired') : t('verifier.trust.missing', { reason: trustError ?? '' })}
              </Alert>
            )}
            <Group mt="xs">
              <Button size="xs" variant="light" loading={refreshing} onClick={() => void refresh()} disabled={!online}>
                {t('verifier.trust.refresh')}
              </Button>
            </Group>
          </Card>

          {checkpoints.length > 0 && (
            <Card withBorder>
              <Stack gap="xs">
                <Select
                  label={t('verifier.checkpoint.pick')}
                  placeholder={t('verifier.checkpoint.none')}
                  data={checkpoints.map((x) => ({ value: x.id, label: x.name }))}
                  value={checkpointId}
                  clearable
                  onChange={(v) => {
                    setCheckpointId(v);
                    localStorage.setItem(CHOSEN_KEY, JSON.stringify(v));
                  }}
                />
                {pending > 0 && (
                  <Group gap="xs">
                    <Text size="sm">{t('verifier.checkpoint.pending', { count: pending })}</Text>
                    <Button size="compact-xs" variant="light" disabled={!online} onClick={() => void syncPassages()}>
                      {t('verifier.checkpoint.sync')}
                    </Button>
                  </Group>
                )}
              </Stack>
            </Card>
          )}

          {trust && (
            <Card withBorder>
              <Stack gap="sm">
                <Text size="sm">{t('verifier.scanIntro')}</Text>
                <QrScanner onResult={(text) => void verify(text)} testId="hc1-upload" />
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (pasted.trim()) void verify(pasted);
                  }}
                >
                  <Stack gap={4}>
                    <Textarea name="hc1" label={t('verifier.paste')} autosize minRows={2} maxRows={5} value={pasted} onChange={(e) => setPasted(e.currentTarget.value)} styles={{ input: { fontFamily: 'monospace', fontSize: 11 } }} />
                    <Group>
                      <Button type="submit" size="xs" variant="default">
                        {t('verifier.check')}
                      </Button>
                    </Group>
                  </Stack>
                </form>
              </Stack>
            </Card>
          )}

          {verification && <VerificationResult v={verification} note={logged ? t(logged === 'sent' ? 'verifier.checkpoint.logged' : 'verifier.checkpoint.queued') : null} />}
          {!navigator.onLine ? null : (
            <Anchor href="/" size="sm">
              {t('verifier.back')}
            </Anchor>
          )}
        </Stack>
      </Container>
    </Box>
  );
}
