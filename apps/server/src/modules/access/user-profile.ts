import type { Database } from '@sen/db';
import { ROLE_BY_CODE } from '@sen/domain';
import type { Actor } from '../../context';

export interface UserProfile {
  id: string;
  username: string;
  displayName: string;
  personId: string | null;
  roles: { code: string; nameVi: string; nameEn: string; areaCode: string; areaName: string; areaPath: string }[];
  scopes: string[];
}

/** What the web app needs to know about the signed-in user: roles with area names, and the scopes for navigation. */
export async function userProfile(db: Database, actor: Actor): Promise<UserProfile> {
  const codes = actor.roles.map((r) => r.areaCode);
  const areas = codes.length
    ? await db.selectFrom('areas').select(['code', 'full_name']).where('code', 'in', codes).execute()
    : [];
  const names = new Map(areas.map((a) => [a.code, a.full_name]));
  return {
    id: actor.userId,
    username: actor.username,
    displayName: actor.displayName,
    personId: actor.personId,
    roles: actor.roles.map((r) => {
      const def = ROLE_BY_CODE.get(r.code);
      return { code: r.code, nameVi: def?.nameVi ?? r.code, nameEn: def?.nameEn ?? r.code, areaCode: r.areaCode, areaName: names.get(r.areaCode) ?? r.areaCode, areaPath: r.areaPath };
    }),
    scopes: [...actor.grants.keys()].sort(),
  };
}
