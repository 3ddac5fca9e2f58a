import { z } from 'zod';

/**
 * HTTP shapes of vaccination sites, their staff and shifts (issue 3, item 3). Objects are strict (an unknown field is a
 * 400 naming it). Times of day and shift windows are Viet Nam local time (UTC+7 all year).
 */
export const SITE_KINDS = ['fixed', 'mobile', 'hospital'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];
export const STAFF_ROLES = ['screener', 'vaccinator', 'observer', 'recorder', 'site_lead'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** The roles a shift needs to be complete. */
export const REQUIRED_SHIFT_ROLES = ['vaccinator', 'screener'] as const satisfies readonly StaffRole[];

const AreaCode = z.string().regex(/^(VN|\d{2,5})$/, 'an area code is VN or 2 to 5 digits');
const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM (00:00 to 23:59)');
const Weekdays = z
  .array(z.number().int().min(1, 'ISO weekdays run from 1 (Monday) to 7 (Sunday)').max(7, 'ISO weekdays run from 1 (Monday) to 7 (Sunday)'))
  .min(1, 'at least one opening day')
  .max(7)
  .refine((d) => new Set(d).size === d.length, 'a weekday appears twice')
  .describe('ISO weekdays the site opens: 1 = Monday .. 7 = Sunday');
const Capacity = z.number().int().min(1).max(10_000).describe('People vaccinated per hour');
const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, 'a Viet Nam local date and time YYYY-MM-DDTHH:MM')
  .describe('Viet Nam local time (UTC+7), YYYY-MM-DDTHH:MM');

export const SiteCreateIn = z
  .strictObject({
    kind: z.enum(SITE_KINDS), name: z.string().max(400), areaCode: AreaCode.describe('The commune of the site'), address: z.string().max(500).nullable().optional(),
    capacityPerHour: Capacity, openingDays: Weekdays, opensAt: TimeOfDay, closesAt: TimeOfDay,
    storeId: z.uuid().nullable().optional().describe("The site's own vaccine store (level site, same commune)"), active: z.boolean().optional(),
  })
  .meta({ id: 'VaccinationSiteCreate' });
export const SiteUpdateIn = z
  .strictObject({
    version: z.number().int().min(1).describe('The version you read: a stale one is refused (409 version_conflict)'),
    kind: z.enum(SITE_KINDS).optional(), name: z.string().max(400).optional(), address: z.string().max(500).nullable().optional(),
    capacityPerHour: Capacity.optional(), openingDays: Weekdays.optional(), opensAt: TimeOfDay.optional(), closesAt: TimeOfDay.optional(),
    storeId: z.uuid().nullable().optional(), active: z.boolean().optional(),
  })
  .meta({ id: 'VaccinationSiteUpdate' });
export const SiteOut = z
  .object({
    id: z.string(), kind: z.enum(SITE_KINDS), name: z.string(), areaCode: z.string(), areaPath: z.string(), address: z.string().nullable(),
    capacityPerHour: z.number().int(), openingDays: z.array(z.number().int()), opensAt: z.string(), closesAt: z.string(), storeId: z.string().nullable(),
    active: z.boolean(), version: z.number().int(), createdAt: z.string(), updatedAt: z.string(),
  })
  .meta({ id: 'VaccinationSite' });
export const SitesIn = z.strictObject({
  area: AreaCode.optional().describe('Only sites inside this area'),
  kind: z.enum(SITE_KINDS).optional(),
  active: z.enum(['true', 'false']).optional().describe('Only active (true) or inactive (false) sites'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const StaffAddIn = z
  .strictObject({
    personId: z.uuid().describe('The person in the people registry'), role: z.enum(STAFF_ROLES).describe('Their usual role at this site'),
    userId: z.uuid().nullable().optional().describe("The person's staff account, when they have one (must be linked to the person)"),
  })
  .meta({ id: 'SiteStaffAdd' });
export const StaffOut = z
  .object({ siteId: z.string(), personId: z.string(), fullName: z.string(), userId: z.string().nullable(), role: z.enum(STAFF_ROLES), active: z.boolean(), addedAt: z.string() })
  .meta({ id: 'SiteStaff' });

const MemberIn = z.strictObject({ personId: z.uuid(), role: z.enum(STAFF_ROLES).optional().describe("Default: the person's role in the site's staff") });
export const ShiftCreateIn = z
  .strictObject({
    startsAt: LocalDateTime, endsAt: LocalDateTime.describe('After startsAt, at most 24 hours later'), note: z.string().max(1000).optional(),
    members: z.array(MemberIn).max(100).default([]),
  })
  .meta({ id: 'ShiftCreate' });
export const MemberAddIn = MemberIn.meta({ id: 'ShiftMemberAdd' });
export const ShiftOut = z
  .object({
    id: z.string(), siteId: z.string(), date: z.string().describe('The Viet Nam day the shift starts'), startsAt: z.string(), endsAt: z.string(),
    localStart: z.string(), localEnd: z.string(), note: z.string().nullable(),
    members: z.array(z.object({ personId: z.string(), fullName: z.string(), role: z.enum(STAFF_ROLES) })),
    complete: z.boolean().describe('At least one vaccinator and one screener'), missing: z.array(z.enum(STAFF_ROLES)).describe('Roles the shift still needs'),
    createdAt: z.string(),
  })
  .meta({ id: 'Shift' });
export const ShiftsIn = z.strictObject({
  from: z.iso.date().optional().describe('First Viet Nam day (inclusive)'),
  to: z.iso.date().optional().describe('Last Viet Nam day (inclusive)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export const MemberParams = z.strictObject({ id: z.uuid(), personId: z.uuid() });
