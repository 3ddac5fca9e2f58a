import { isApiError } from '../../api';
import { recordPassage } from '../../components/checkins/checkinsApi';

/**
 * Checkpoint passages logged while offline (no personal data: result, reason code, certificate hash, time), sent
 * in order when the network is back. A passage the server refuses (a checkpoint closed meanwhile) is dropped with
 * the count reported, so one bad item never blocks the rest.
 */
export interface QueuedPassage {
  checkpointId: string;
  result: 'pass' | 'fail';
  failureReason?: string;
  certificateHash?: string;
  passedAt: string;
}

const KEY = 'sen.verifier.passages';

export function readPassages(): QueuedPassage[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as QueuedPassage[]) : [];
  } catch {
    return [];
  }
}

function write(items: QueuedPassage[]) {
  try {
    if (items.length === 0) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, JSON.stringify(items.slice(-5000)));
  } catch {
    // storage unavailable
  }
}

export function queuePassage(p: QueuedPassage) {
  write([...readPassages(), p]);
}

/** Sends the queue; stops at the first network failure (still offline) and keeps the rest. */
export async function flushPassages(): Promise<{ sent: number; dropped: number }> {
  let sent = 0;
  let dropped = 0;
  for (;;) {
    const [next, ...rest] = readPassages();
    if (!next) break;
    try {
      const { checkpointId, ...body } = next;
      await recordPassage(checkpointId, body);
      sent++;
    } catch (e) {
      if (!isApiError(e) || e.status === 0 || e.status >= 500 || e.status === 401) break;
      dropped++;
    }
    write(rest);
  }
  return { sent, dropped };
}

/** Logs a passage now, or queues it when the server cannot be reached. */
export async function logPassage(p: QueuedPassage): Promise<'sent' | 'queued'> {
  if (readPassages().length === 0) {
    try {
      const { checkpointId, ...body } = p;
      await recordPassage(checkpointId, body);
      return 'sent';
    } catch (e) {
      if (isApiError(e) && e.status !== 0 && e.status < 500 && e.status !== 401) throw e;
    }
  }
  queuePassage(p);
  return 'queued';
}
