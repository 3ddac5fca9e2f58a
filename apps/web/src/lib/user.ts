import { ROLE_BY_CODE } from '@sen/domain';
import { createContext, useContext } from 'react';
import type { User } from '../api';

export const UserContext = createContext<User | null>(null);

/** The signed-in user; only used below the shell, which renders nothing without one. */
export function useUser(): User {
  const user = useContext(UserContext);
  if (!user) throw new Error('useUser outside the signed-in shell');
  return user;
}

export const hasScope = (user: User, scope: string) => user.scopes.includes(scope);

/** Staff are users with any scope beyond reading their own record. */
export const isStaffScopes = (scopes: readonly string[]) => scopes.some((s) => s !== 'self:read');
export const isStaff = (user: User) => isStaffScopes(user.scopes);

/** Holds the scope over the whole country: national rules (vaccine catalog, priority groups) need it. */
export const holdsNationally = (user: User, scope: string) =>
  user.roles.some((r) => r.areaCode === 'VN' && (ROLE_BY_CODE.get(r.code)?.scopes as readonly string[] | undefined)?.includes(scope));

/** Holds the scope in an area above a commune (a commune code has five digits): an area with areas below it to plan for. */
export const holdsAboveCommune = (user: User, scope: string) =>
  user.roles.some((r) => !/^\d{5}$/.test(r.areaCode) && (ROLE_BY_CODE.get(r.code)?.scopes as readonly string[] | undefined)?.includes(scope));
