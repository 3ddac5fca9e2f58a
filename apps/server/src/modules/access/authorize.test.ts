import { describe, expect, it } from 'vitest';
import { AppError, type Scope } from '@sen/domain';
import type { RequestContext } from '../../context';
import { assertRecordAccess } from './authorize';

const BA_DINH = 'VN.01.00004';
const NGOC_HA = 'VN.01.00008';

/** An actor holding these scopes in these areas. */
function staff(grants: [Scope, string[]][]): RequestContext {
  return {
    actor: { userId: 'u', username: 'u', displayName: 'u', personId: null, sessionId: 's', roles: [], grants: new Map(grants) },
    ip: null,
    requestId: null,
  };
}
/** Reads all of Hà Nội, writes only in Ba Đình. */
const ctx = staff([['vaccination:read', ['VN.01']], ['vaccination:write', [BA_DINH]]]);

function refusal(run: () => void): { status: number; code: string; message: string; details: Record<string, unknown> } | null {
  try {
    run();
    return null;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { status: err.status, code: err.code, message: err.message, details: err.details };
  }
}

describe('assertRecordAccess: one answer for a record out of reach', () => {
  it('lets the operation through inside the jurisdiction of the scope it needs', () => {
    expect(refusal(() => assertRecordAccess(ctx, 'vaccination:write', 'vaccination:read', BA_DINH, 'Site'))).toBeNull();
  });

  it('refuses with 403 naming the record when it is readable but out of reach of the scope', () => {
    expect(refusal(() => assertRecordAccess(ctx, 'vaccination:write', 'vaccination:read', NGOC_HA, 'Allocation plan', { field: 'planId' }))).toEqual({
      status: 403, code: 'forbidden', message: 'This allocation plan is outside your jurisdiction', details: { scope: 'vaccination:write', field: 'planId' },
    });
  });

  it('answers 404, as if the record did not exist, outside the read jurisdiction and for a record with no area', () => {
    expect(refusal(() => assertRecordAccess(ctx, 'vaccination:write', 'vaccination:read', 'VN.79.26734', 'Store', { field: 'storeId' }))).toEqual({
      status: 404, code: 'not_found', message: 'Store not found', details: { field: 'storeId' },
    });
    expect(refusal(() => assertRecordAccess(ctx, 'vaccination:read', 'vaccination:read', null, 'Dose'))?.status).toBe(404);
  });

  it('refuses with 403 an actor who holds the scope nowhere, before looking at the area', () => {
    const reader = staff([['vaccination:read', ['VN']]]);
    expect(refusal(() => assertRecordAccess(reader, 'vaccination:write', 'vaccination:read', 'VN.79.26734', 'Store'))).toMatchObject({ status: 403, details: { scope: 'vaccination:write' } });
  });
});
