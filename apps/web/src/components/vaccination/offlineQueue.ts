import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { isApiError } from '../../api';
import * as v from './vaccinationApi';

/**
 * Screenings and doses a site tablet could not send (no network) wait here, in localStorage, each with the client id
 * it was made with. They go to POST /api/vaccination/sync when the browser is back online (or on demand): the ids make
 * the resend harmless even if the first attempt reached the server after all. Refused items stay, with the reason,
 * until staff dismiss them.
 */
export interface QueuedItem {
  kind: 'screening' | 'dose';
  id: string;
  /** Who, for the list of pending items. */
  label: string;
  body: v.ScreeningInput | v.DoseInput;
  queuedAt: string;
  refused?: { code: string | null; message: string | null };
}

const KEY = 'sen.vaccination.queue';
const listeners = new Set<() => void>();
let cache: QueuedItem[] | null = null;

function read(): QueuedItem[] {
  if (cache) return cache;
  try {
    const raw = localStorage.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    cache = Array.isArray(parsed) ? (parsed as QueuedItem[]) : [];
  } catch {
    cache = [];
  }
  return cache;
}

function write(items: QueuedItem[]) {
  cache = items;
  try {
    localStorage.setItem(KEY, JSON.stringify(items));
  } catch {
    // storage full or unavailable: the items stay in memory for this page
  }
  listeners.forEach((l) => l());
}

export function enqueue(item: Omit<QueuedItem, 'queuedAt'>) {
  const items = read().filter((x) => x.id !== item.id);
  write([...items, { ...item, queuedAt: new Date().toISOString() }]);
}

export function dismiss(id: string) {
  write(read().filter((x) => x.id !== id));
}

function subscribe(l: () => void) {
  listeners.add(l);
  const onStorage = (e: StorageEvent) => {
    if (e.key === KEY) {
      cache = null;
      l();
    }
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(l);
    window.removeEventListener('storage', onStorage);
  };
}

/** A network failure (the request never got an answer), as opposed to the server refusing it. */
export const isOffline = (e: unknown) => isApiError(e) && e.status === 0;

/** Sends every pending item once; answers how many were accepted. */
export async function syncNow(): Promise<number> {
  const pending = read().filter((x) => !x.refused);
  if (pending.length === 0) return 0;
  const screenings = pending.filter((x) => x.kind === 'screening');
  const doses = pending.filter((x) => x.kind === 'dose');
  const result = await v.syncQueue({ screenings: screenings.map((x) => x.body), doses: doses.map((x) => x.body) });
  const outcome = new Map<string, v.SyncItemResult>();
  for (const r of result.items) {
    const item = (r.kind === 'screening' ? screenings : doses)[r.index];
    if (item) outcome.set(item.id, r);
  }
  let accepted = 0;
  const next: QueuedItem[] = [];
  for (const item of read()) {
    const r = outcome.get(item.id);
    if (!r) next.push(item);
    else if (r.status === 'refused') next.push({ ...item, refused: { code: r.code, message: r.message } });
    else accepted++;
  }
  write(next);
  return accepted;
}

/** The queue, whether the browser is online, and a sync that also runs when the connection comes back. */
export function useOfflineQueue(onSynced?: () => void) {
  const items = useSyncExternalStore(subscribe, read);
  const [online, setOnline] = useState(() => navigator.onLine);
  const [syncing, setSyncing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const sync = useCallback(async () => {
    setSyncing(true);
    setError(null);
    try {
      const n = await syncNow();
      if (n > 0) onSynced?.();
    } catch (e) {
      setError(e);
    } finally {
      setSyncing(false);
    }
  }, [onSynced]);
  useEffect(() => {
    const up = () => {
      setOnline(true);
      void sync();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, [sync]);
  return { items, online, syncing, error, sync };
}
