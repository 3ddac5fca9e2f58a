import { hash, verify } from '@node-rs/argon2';
import { badRequest } from '@sen/domain';

// argon2id with OWASP's minimum memory/time settings: about 20 ms here, slow enough to hurt guessing.
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 10;

export function checkPasswordStrength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw badRequest('weak_password', `The password must have at least ${MIN_PASSWORD_LENGTH} characters`, { field: 'password', minLength: MIN_PASSWORD_LENGTH });
  }
  if (password.length > 256) throw badRequest('weak_password', 'The password is too long (256 characters at most)', { field: 'password' });
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the user does not exist, so a wrong username costs as much time as a wrong password. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password-at-all');
  return dummyHash;
}
