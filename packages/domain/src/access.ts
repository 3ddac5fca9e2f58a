/**
 * Roles are named sets of scopes. A user holds roles, each in an area (their jurisdiction): a scope is granted in
 * the subtrees of the areas where the user holds a role that carries it ("role scopes times area jurisdiction").
 * Later modules add their scopes here so one table says who may do what.
 */
export const SCOPES = [
  'people:read', // search people and open a person's record
  'people:write', // create and edit people and households
  'people:merge', // review duplicate candidates and merge records
  'areas:write', // edit area data such as population
  'users:manage', // create users and assign roles
  'audit:read', // query the audit log
  'self:read', // a citizen reads their own record
  'vaccination:read',
  'vaccination:write',
  'testing:write',
  'tracing:run',
  'quarantine:manage',
  'care:manage',
  'aid:manage',
  'checkpoint:verify',
  'hotline:handle',
  'business:manage',
  'reports:read',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface RoleDefinition {
  code: string;
  nameVi: string;
  nameEn: string;
  scopes: readonly Scope[];
  /** The administrative level at which the role is normally held: decides the demo users' areas. */
  level: 'national' | 'province' | 'commune';
}

export const ROLES: readonly RoleDefinition[] = [
  { code: 'national_admin', nameVi: 'Quản trị quốc gia', nameEn: 'National administrator', level: 'national', scopes: SCOPES.filter((s) => s !== 'self:read') },
  { code: 'province_officer', nameVi: 'Cán bộ tỉnh', nameEn: 'Province officer', level: 'province', scopes: ['people:read', 'people:write', 'people:merge', 'areas:write', 'users:manage', 'audit:read', 'vaccination:read', 'reports:read'] },
  { code: 'commune_officer', nameVi: 'Cán bộ xã/phường', nameEn: 'Commune officer', level: 'commune', scopes: ['people:read', 'people:write', 'people:merge', 'vaccination:read', 'reports:read'] },
  { code: 'vaccination_staff', nameVi: 'Nhân viên điểm tiêm', nameEn: 'Vaccination site staff', level: 'commune', scopes: ['people:read', 'vaccination:read', 'vaccination:write'] },
  { code: 'lab_staff', nameVi: 'Nhân viên xét nghiệm', nameEn: 'Lab staff', level: 'province', scopes: ['people:read', 'testing:write'] },
  { code: 'tracer', nameVi: 'Cán bộ truy vết', nameEn: 'Contact tracer', level: 'province', scopes: ['people:read', 'tracing:run'] },
  { code: 'quarantine_manager', nameVi: 'Quản lý khu cách ly', nameEn: 'Quarantine manager', level: 'province', scopes: ['people:read', 'quarantine:manage'] },
  { code: 'treatment_coordinator', nameVi: 'Điều phối điều trị', nameEn: 'Treatment coordinator', level: 'province', scopes: ['people:read', 'care:manage'] },
  { code: 'aid_officer', nameVi: 'Cán bộ an sinh xã hội', nameEn: 'Aid officer', level: 'commune', scopes: ['people:read', 'aid:manage'] },
  { code: 'checkpoint_officer', nameVi: 'Cán bộ chốt kiểm soát', nameEn: 'Checkpoint officer', level: 'province', scopes: ['checkpoint:verify'] },
  { code: 'hotline_operator', nameVi: 'Tổng đài viên 1022', nameEn: 'Hotline operator', level: 'province', scopes: ['hotline:handle'] },
  { code: 'business_admin', nameVi: 'Quản trị doanh nghiệp', nameEn: 'Business administrator', level: 'commune', scopes: ['business:manage'] },
  { code: 'citizen', nameVi: 'Người dân', nameEn: 'Citizen', level: 'national', scopes: ['self:read'] },
];

export const ROLE_BY_CODE: ReadonlyMap<string, RoleDefinition> = new Map(ROLES.map((r) => [r.code, r]));

/** An ltree path is inside a jurisdiction when one of the jurisdiction paths is it or an ancestor of it. */
export function pathWithin(path: string, jurisdictions: readonly string[]): boolean {
  return jurisdictions.some((j) => path === j || path.startsWith(`${j}.`));
}

/** Privileged roles must use a second factor (TOTP) when it is configured. */
export const PRIVILEGED_ROLES: ReadonlySet<string> = new Set(['national_admin', 'province_officer']);
