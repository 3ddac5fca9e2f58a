import { Alert, Button, Card, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireScope } from '../../components/NoAccess';
import { ProblemAlert } from '../../components/ProblemAlert';
import * as c from '../../components/checkins/checkinsApi';
import { QrScanner } from '../../components/checkins/QrScanner';
import { VerificationResult } from '../../components/checkins/VerificationResult';
import { formatDateTime } from '../../lib/format';
import { loadCachedTrust, refreshTrust, verifyOffline, type TrustState, type Verification } from '../verifier/trustCache';

export function CheckpointPassPage() {
  return (
    <RequireScope scope="self:read">
      <CheckpointPass />
    </RequireScope>
  );
}

/** The cached trust list, refreshed when the network allows (a stale or missing list is refreshed first). */
async function trustNow(): Promise<TrustState> {
  const cached = await loadCachedTrust().catch(() => null);
  if (cached && !navigator.onLine) return cached;
  return refreshTrust().catch((e: unknown) => {
    if (cached) return cached;
    throw e;
  });
}

/** Of my valid certificates, the first the checkpoint rules accept now; else the newest one's result (why it fails). */
async function bestVerification(certificates: c.MyCertificate[], trust: TrustState): Promise<{ hc1: string; v: Verification } | null> {
  let first: { hc1: string; v: Verification } | null = null;
  for (const cert of certificates) {
    if (!cert.hcert) continue;
    const v = await verifyOffline(cert.hcert, trust.list);
    if (v.result.valid) return { hc1: cert.hcert, v };
    first ??= { hc1: cert.hcert, v };
  }
  return first;
}

interface Outcome {
  v: Verification;
  checkpointName: string | null;
  at: string;
  recorded: boolean;
  recordError: unknown;
}

/**
 * A citizen at a checkpoint scans its QR: the app verifies their own certificate on the phone (offline, against the
 * cached signed trust list), records the passage with the server when it can (the server verifies again and keeps
 * the certificate's hash only, not who passed), and shows the result big for the officer to read.
 */
function CheckpointPass() {
  const { t } = useTranslation();
  const fromLink = c.checkpointTokenOf(location.href);
  const [token, setToken] = useState<string | null>(fromLink);
  const [notCheckpoint, setNotCheckpoint] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [working, setWorking] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const mine = useQuery({ queryKey: ['me', 'certificates'], queryFn: ({ signal }) => c.getMyCertificates(signal) });
  const valid = (mine.data?.items ?? []).filter((x) => x.status === 'valid' && x.hcert);

  async function pass(cpToken: string) {
    setWorking(true);
    setFailure(null);
    try {
      const trust = await trustNow();
      const best = await bestVerification(valid, trust);
      if (!best) return;
      const shown: Outcome = { v: best.v, checkpointName: null, at: new Date().toISOString(), recorded: false, recordError: null };
      setOutcome(shown);
      try {
        const server = await c.recordMyPassage({ token: cpToken, hc1: best.hc1 });
        setOutcome({ ...shown, checkpointName: server.checkpoint.name, at: server.at, recorded: true });
      } catch (e) {
        setOutcome({ ...shown, recordError: e });
      }
    } catch (e) {
      setFailure(e);
    } finally {
      setWorking(false);
    }
  }

  function scanned(text: string) {
    const cp = c.checkpointTokenOf(text);
    setNotCheckpoint(cp === null);
    if (cp) setToken(cp);
  }

  return (
    <Stack gap="md" maw={640}>
      <Title order={1} size="h3">
        {t('checkpoints.pass.title')}
      </Title>
      {mine.isError && <ProblemAlert error={mine.error} />}
      {mine.isSuccess && valid.length === 0 && (
        <Alert color="yellow" data-testid="no-certificate">
          {t('checkpoints.pass.noCertificate')}
        </Alert>
      )}
      {outcome ? (
        <>
          <VerificationResult v={outcome.v} note={outcome.recorded ? t('checkpoints.pass.recorded') : null}>
            <Text size="lg" fw={600} data-testid="pass-checkpoint">
              {outcome.checkpointName ? t('checkpoints.pass.at', { name: outcome.checkpointName, time: formatDateTime(outcome.at) }) : formatDateTime(outcome.at)}
            </Text>
          </VerificationResult>
          {outcome.recordError !== null && (
            <Alert color="yellow" title={t('checkpoints.pass.notRecorded')} data-testid="pass-not-recorded">
              <ProblemAlert error={outcome.recordError} />
            </Alert>
          )}
          <Button
            variant="light"
            onClick={() => {
              setOutcome(null);
              setToken(null);
            }}
          >
            {t('checkpoints.pass.again')}
          </Button>
        </>
      ) : token ? (
        <Card withBorder>
          <Stack gap="sm">
            <Text>{t('checkpoints.pass.ready')}</Text>
            <Button size="lg" loading={working} disabled={valid.length === 0} onClick={() => void pass(token)} data-testid="pass-show">
              {t('checkpoints.pass.show')}
            </Button>
          </Stack>
        </Card>
      ) : (
        <Card withBorder>
          <Stack gap="sm">
            <Text size="sm">{t('checkpoints.pass.intro')}</Text>
            <QrScanner onResult={scanned} testId="checkpoint-qr-upload" />
            {notCheckpoint && (
              <Alert color="yellow" data-testid="not-checkpoint">
                {t('checkpoints.pass.notCheckpoint')}
              </Alert>
            )}
          </Stack>
        </Card>
      )}
      {failure !== null && <ProblemAlert error={failure} />}
    </Stack>
  );
}
