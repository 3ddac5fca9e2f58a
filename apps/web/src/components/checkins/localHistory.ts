/**
 * The citizen's check-ins made on this device, newest first (the server has no "my check-ins" list yet; the
 * check-ins themselves are stored on the server). Kept for 28 days like the check-ins, at most 200.
 */
export interface MyCheckin {
  clientId: string;
  venueId: string;
  venueName: string;
  checkedInAt: string;
}

const KEY = 'sen.checkins.mine';
const KEEP_MS = 28 * 86_400_000;

export function readMyCheckins(now = Date.now()): MyCheckin[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return (parsed as MyCheckin[]).filter((c) => typeof c?.checkedInAt === 'string' && now - Date.parse(c.checkedInAt) < KEEP_MS);
  } catch {
    return [];
  }
}

export function rememberMyCheckin(c: MyCheckin) {
  const list = [c, ...readMyCheckins().filter((x) => x.clientId !== c.clientId)].slice(0, 200);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // storage full or unavailable: the check-in is on the server anyway
  }
}
