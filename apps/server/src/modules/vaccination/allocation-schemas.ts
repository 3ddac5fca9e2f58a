import { z } from 'zod';

/** HTTP shapes of allocation plans (issue 3, item 2). */
export const TARGET_GROUPS = ['adults', 'over_50'] as const;
export const PLAN_STATUSES = ['proposed', 'approved', 'superseded'] as const;

const AreaCode = z.string().regex(/^(VN|\d{2,5})$/, 'an area code is VN or 2 to 5 digits');

export const AllocationPlanIn = z
  .strictObject({
    areaCode: AreaCode.describe('The area whose doses are split among its child areas (the country, a province)'),
    vaccineCode: z.string().regex(/^[a-z0-9_]{1,40}$/, 'a catalog vaccine code such as pfizer'),
    periodFrom: z.iso.date(),
    periodTo: z.iso.date(),
    coverageGoalPct: z.number().gt(0).max(100).multipleOf(0.01).describe('Share of the target group to cover, in percent'),
    targetGroup: z.enum(TARGET_GROUPS).default('adults').describe('adults: people 18 and over; over_50: 50 and over'),
    dosesAvailable: z.number().int().min(0).max(1_000_000_000).optional().describe('Cap the plan at the doses the area has to give out'),
    note: z.string().max(1000).optional(),
  })
  .refine((p) => p.periodTo >= p.periodFrom, { message: 'the period ends before it starts', path: ['periodTo'] })
  .meta({ id: 'AllocationPlanCreate' });
export type AllocationPlanInput = z.infer<typeof AllocationPlanIn>;

const Figures = {
  targetPopulation: z.number().int(), dosesGiven: z.number().int().describe('Primary doses of the vaccine given in the area up to the day of the plan'),
  dosesNeeded: z.number().int().describe('target population x goal x doses per person, less doses given; never below 0'),
  dosesToAllocate: z.number().int(),
};

export const AllocationPlanOut = z
  .object({
    id: z.string().nullable().describe('null for a proposal that was not stored'),
    status: z.enum(PLAN_STATUSES).nullable(),
    areaCode: z.string(), areaName: z.string(), vaccineCode: z.string(), seriesDoses: z.number().int(),
    periodFrom: z.string(), periodTo: z.string(), targetGroup: z.enum(TARGET_GROUPS), coverageGoalPct: z.number(),
    ...Figures,
    dosesAvailable: z.number().int().nullable(),
    note: z.string().nullable(),
    createdAt: z.string().nullable(), approvedAt: z.string().nullable(),
    lines: z.array(z.object({ areaCode: z.string(), areaName: z.string(), ...Figures })).describe('One per child area; dosesToAllocate sums to the plan\'s'),
  })
  .meta({ id: 'AllocationPlan' });

export const AllocationPlansIn = z.strictObject({
  area: AreaCode.optional().describe('Only plans of this area and the areas inside it'),
  vaccineCode: z.string().max(40).optional(),
  status: z.enum(PLAN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
