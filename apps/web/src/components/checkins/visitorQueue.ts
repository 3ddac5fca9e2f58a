import { isApiError } from '../../api';
import { checkInVisitorBatch, type VisitorCheckin } from './checkinsApi';

/**
 * Visitor check-ins the venue page could not send (no network) wait here, in localStorage, per venue, each with
 * the client id it was made with. They go in one batch when the browser is back online (or on demand); the ids make
 * a resend harmless even if an earlier attempt reached the server. Items the server refuses stay with the reason.
 */
export interface QueuedVisitor {
  body: VisitorCheckin;
  /** What staff typed or scanned, shortened, for the pending list (never the whole token). */
  label: string;
  refused?: string;
}

const key = (venueId: string) => `sen.venue.queue.${venueId}`;

export function readQueue(venueId: string): QueuedVisitor[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key(venueId)) ?? '[]');
    return Array.isArray(parsed) ? (parsed as QueuedVisitor[]) : [];
  } catch {
    return [];
  }
}

function write(venueId: string, items: QueuedVisitor[]) {
  try {
    if (items.length === 0) localStorage.removeItem(key(venueId));
    else localStorage.setItem(key(venueId), JSON.stringify(items));
  } catch {
    // storage unavailable: nothing more can be kept
  }
}

export function enqueueVisitor(venueId: string, item: QueuedVisitor) {
  write(venueId, [...readQueue(venueId).filter((x) => x.body.clientId !== item.body.clientId), item]);
}

export function dropQueued(venueId: string, clientId: string) {
  write(venueId, readQueue(venueId).filter((x) => x.body.clientId !== clientId));
}

/** A network failure (no answer), as opposed to the server refusing the request. */
export const isOffline = (e: unknown) => isApiError(e) && e.status === 0;

/**
 * Sends the pending items in one batch. Accepted ones (new or already stored) leave the queue; on a refusal of
 * the whole batch (one bad item) each is sent alone so the good ones still go and the bad one keeps its reason.
 */
export async function syncQueue(venueId: string, sendOne: (body: VisitorCheckin) => Promise<unknown>): Promise<{ sent: number; refused: number }> {
  const pending = readQueue(venueId).filter((x) => !x.refused);
  if (pending.length === 0) return { sent: 0, refused: 0 };
  try {
    const res = await checkInVisitorBatch(venueId, pending.map((x) => x.body));
    const accepted = new Set(res.items.map((i) => i.clientId));
    write(venueId, readQueue(venueId).filter((x) => !accepted.has(x.body.clientId)));
    return { sent: accepted.size, refused: 0 };
  } catch (e) {
    if (isOffline(e) || !isApiError(e) || e.status >= 500) throw e;
  }
  let sent = 0;
  let refused = 0;
  for (const item of pending) {
    try {
      await sendOne(item.body);
      dropQueued(venueId, item.body.clientId);
      sent++;
    } catch (e) {
      if (isOffline(e)) throw e;
      refused++;
      write(venueId, readQueue(venueId).map((x) => (x.body.clientId === item.body.clientId ? { ...x, refused: e instanceof Error ? e.message : String(e) } : x)));
    }
  }
  return { sent, refused };
}
