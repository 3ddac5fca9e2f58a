import { AppError } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordDose } from './record-dose';
import { recordScreening } from './screen-person';
import { DoseIn, ScreeningIn } from './sessions-schemas';

type ItemResult = {
  kind: 'screening' | 'dose';
  index: number;
  id: string | null;
  status: 'created' | 'duplicate' | 'refused';
  code: string | null;
  message: string | null;
  problems?: string[];
};

function idOf(raw: unknown): string | null {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length <= 64 ? id : null;
}

async function runItem(kind: 'screening' | 'dose', index: number, raw: unknown, run: () => Promise<{ created: boolean }>, log: (err: unknown) => void): Promise<ItemResult> {
  const id = idOf(raw);
  try {
    const r = await run();
    return { kind, index, id, status: r.created ? 'created' : 'duplicate', code: null, message: null };
  } catch (err) {
    if (err instanceof AppError) {
      const problems = (err.details.problems as { code: string }[] | undefined)?.map((p) => p.code);
      return { kind, index, id, status: 'refused', code: err.code, message: err.message, ...(problems ? { problems } : {}) };
    }
    log(err);
    return { kind, index, id, status: 'refused', code: 'internal_error', message: 'This item could not be stored; try again later' };
  }
}

/**
 * A tablet's offline queue: screenings first (doses may name them), then doses, each judged and stored on its own
 * exactly as the single routes do, so one bad item is refused without refusing the others, and a queue sent twice
 * answers duplicate for what was already stored.
 */
export async function syncQueue(deps: Deps, ctx: RequestContext, batch: { screenings: unknown[]; doses: unknown[] }, log: (err: unknown) => void) {
  const items: ItemResult[] = [];
  for (const [index, raw] of batch.screenings.entries()) {
    const parsed = ScreeningIn.safeParse(raw);
    if (!parsed.success) {
      items.push({ kind: 'screening', index, id: idOf(raw), status: 'refused', code: 'invalid_item', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'item'}: ${i.message}`).join('; ') });
      continue;
    }
    items.push(await runItem('screening', index, raw, () => recordScreening(deps, ctx, parsed.data), log));
  }
  for (const [index, raw] of batch.doses.entries()) {
    const parsed = DoseIn.safeParse(raw);
    if (!parsed.success) {
      items.push({ kind: 'dose', index, id: idOf(raw), status: 'refused', code: 'invalid_item', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'item'}: ${i.message}`).join('; ') });
      continue;
    }
    items.push(await runItem('dose', index, raw, () => recordDose(deps, ctx, parsed.data), log));
  }
  return {
    items,
    created: items.filter((i) => i.status === 'created').length,
    duplicates: items.filter((i) => i.status === 'duplicate').length,
    refused: items.filter((i) => i.status === 'refused').length,
  };
}
