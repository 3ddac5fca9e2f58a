import { sql } from '@sen/db';
import { ROLES, searchForm, type RoleDefinition } from '@sen/domain';
import { createUser, SYSTEM_CONTEXT, type Deps } from '@sen/server';

/** The one password every demo account shares; printed on the console, so never use it outside a demo. */
export const DEFAULT_DEMO_PASSWORD = 'sen-demo-2021';

export interface DemoUser {
  username: string;
  role: string;
  /** The area code of the role (its jurisdiction). */
  area: string;
  areaName: string;
  password: string;
  /** False when the account already existed (it is left as it is: its password may have been changed). */
  created: boolean;
}

export interface DemoUsersOptions {
  password?: string;
}

/** Usernames by role; a role added later gets `demo.<role-code>`. Province and commune roles get area names. */
const USERNAMES: Record<string, string> = {
  national_admin: 'admin',
  vaccination_staff: 'tiemchung',
  lab_staff: 'xetnghiem',
  tracer: 'truyvet',
  quarantine_manager: 'cachly',
  treatment_coordinator: 'dieutri',
  aid_officer: 'ansinh',
  checkpoint_officer: 'chot',
  hotline_operator: 'tongdai',
  business_admin: 'doanhnghiep',
  citizen: 'nguoidan',
};

function slug(name: string): string {
  return searchForm(name).replace(/[^a-z0-9]/g, '');
}

interface DemoAreas {
  province: { code: string; name: string };
  commune: { code: string; name: string };
}

/**
 * Hà Nội and, in the 2025 set, Phường Ba Đình (00004); with the 2021 set, Hà Nội's first commune by code (the
 * code 00004 exists there too, as Phường Trúc Bạch, so the gazetteer decides rather than the code).
 */
async function demoAreas(deps: Deps): Promise<DemoAreas> {
  const province = await deps.db.selectFrom('areas').select(['code', 'name']).where('code', '=', '01').where('kind', '=', 'province').executeTakeFirst();
  if (!province) throw new Error('The demo users need the gazetteer (province 01, Hà Nội): load it first');
  const gazetteer = await deps.db.selectFrom('settings').select('value').where('key', '=', 'gazetteer').executeTakeFirst();
  let q = deps.db.selectFrom('areas').select(['code', 'name']).where('kind', '=', 'commune').where(sql<boolean>`path <@ 'VN.01'::ltree`);
  if (gazetteer?.value === 'vn2025') q = q.where('code', '=', '00004');
  const commune = await q.orderBy('code').limit(1).executeTakeFirst();
  if (!commune) throw new Error('The demo users need a commune in Hà Nội: load the gazetteer first');
  return { province, commune };
}

function usernameFor(role: RoleDefinition, areas: DemoAreas): string {
  if (role.code === 'province_officer') return `tinh.${slug(areas.province.name)}`;
  if (role.code === 'commune_officer') return `xa.${slug(areas.commune.name)}`;
  return USERNAMES[role.code] ?? `demo.${role.code.replace(/_/g, '-')}`;
}

/** A demo person for the citizen account: an adult household head or spouse in the commune (else anywhere). */
async function citizenPerson(deps: Deps, communeCode: string): Promise<{ id: string; full_name: string } | undefined> {
  const base = () =>
    deps.db
      .selectFrom('people as p')
      .select(['p.id', 'p.full_name'])
      .where('p.merged_into', 'is', null)
      .where('p.household_role', 'in', ['head', 'spouse'])
      .where(sql<boolean>`p.birth_year <= extract(year from now())::int - 18`)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('users as u').select('u.id').whereRef('u.person_id', '=', 'p.id'))))
      .orderBy('p.id')
      .limit(1);
  return (await base().where('p.commune_code', '=', communeCode).executeTakeFirst()) ?? (await base().executeTakeFirst());
}

/**
 * One account per role in ROLES: national roles in VN, province roles in Hà Nội, commune roles in one Hà Nội
 * commune; the citizen is linked to a demo person. Idempotent: existing usernames are skipped, not changed.
 */
export async function createDemoUsers(deps: Deps, options: DemoUsersOptions = {}): Promise<DemoUser[]> {
  const password = options.password ?? DEFAULT_DEMO_PASSWORD;
  const areas = await demoAreas(deps);
  const out: DemoUser[] = [];
  for (const role of ROLES) {
    const username = usernameFor(role, areas);
    const area = role.level === 'national' ? { code: 'VN', name: 'Việt Nam' } : role.level === 'province' ? areas.province : areas.commune;
    const exists = await deps.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    if (!exists) {
      let displayName = `${role.nameVi} (demo)`;
      let personId: string | null = null;
      if (role.code === 'citizen') {
        const person = await citizenPerson(deps, areas.commune.code);
        if (person) {
          personId = person.id;
          displayName = person.full_name;
        }
      }
      await createUser(deps, SYSTEM_CONTEXT, { username, displayName, password, roles: [{ role: role.code, areaCode: area.code }], personId });
    }
    out.push({ username, role: role.code, area: area.code, areaName: area.name, password, created: !exists });
  }
  return out;
}
