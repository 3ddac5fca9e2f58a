import { z } from 'zod';

// EU DCC JSON schema 1.3.0 (DCC.combined-schema.json), the parts a verifier relies on.
// Like the upstream schema, unknown extra fields are allowed; value sets are not checked here
// (they change over time and belong to the business rules).

const isoDate = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const isoDateTime = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):?[0-5]\d)$/;
const validCalendarDate = (s: string) => {
  const d = new Date(`${s.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s.slice(0, 10);
};

const date = z.string().regex(isoDate).refine(validCalendarDate, 'not a calendar date');
const dateTime = z.string().regex(isoDateTime).refine(validCalendarDate, 'not a calendar date');
const icao = z.string().max(80).regex(/^[A-Z<]*$/);
const text80 = z.string().max(80);
const code = z.string();
const country = z.string().regex(/[A-Z]{1,10}/);
const dose = z.number().int().min(1);

const vaccination = z.object({ tg: code, vp: code, mp: code, ma: code, dn: dose, sd: dose, dt: date, co: country, is: text80, ci: text80 });
const test = z.object({
  tg: code, tt: code, nm: text80.optional(), ma: code.optional(), sc: dateTime, tr: code, tc: text80.optional(), co: country, is: text80, ci: text80,
});
const recovery = z.object({ tg: code, fr: date, co: country, is: text80, df: date, du: date, ci: text80 });

export const dccSchema = z
  .object({
    ver: z.string().regex(/^\d+\.\d+\.\d+$/),
    nam: z.object({ fn: text80.optional(), fnt: icao, gn: text80.optional(), gnt: icao.optional() }),
    dob: z.string().regex(/^((19|20)\d\d(-\d\d){0,2}){0,1}$/),
    v: z.array(vaccination).length(1).optional(),
    t: z.array(test).length(1).optional(),
    r: z.array(recovery).length(1).optional(),
  })
  .refine((d) => [d.v, d.t, d.r].filter((x) => x !== undefined).length === 1, 'exactly one of v, t, r');

export type Dcc = z.infer<typeof dccSchema>;
export type DccType = 'v' | 't' | 'r';

export function validateDcc(value: unknown): { ok: true; dcc: Dcc } | { ok: false; reason: string } {
  const r = dccSchema.safeParse(value);
  if (r.success) return { ok: true, dcc: r.data };
  const first = r.error.issues[0];
  return { ok: false, reason: first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid' };
}

/** The certificate type, when exactly one group is present. */
export function dccType(value: unknown): DccType | null {
  if (value === null || typeof value !== 'object') return null;
  const present = (['v', 't', 'r'] as const).filter((k) => (value as Record<string, unknown>)[k] != null);
  return present.length === 1 ? present[0]! : null;
}
