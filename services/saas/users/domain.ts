/** saas/users' rules (pure): what a change to a user is, in the contract's terms. */
import type { UserFields } from '../../../generated/types/saas.js';

export interface User {
  readonly tenantId: string;
  readonly userId: string;
  readonly email: string;
  readonly fullName: string;
  readonly role: NonNullable<UserFields['role']>;
  readonly locale?: string;
  readonly status: NonNullable<UserFields['status']>;
  readonly signupMethod: string;
  readonly invitedBy?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const CHANGEABLE = ['email', 'fullName', 'role', 'locale', 'status'] as const;

/**
 * UserUpdated's `changes` (the new values of exactly the fields that changed) and `previous`
 * (their old values); undefined when the patch changes nothing. An email differing only in
 * case is a change (the address is shown as typed), and so is a locale set for the first time
 * — but then `previous` cannot name the old value, so the locale is left out of it.
 */
export function diffUser(current: User, patch: UserFields): { changes: UserFields; previous: UserFields } | undefined {
  const changes: Record<string, string> = {};
  const previous: Record<string, string> = {};
  for (const field of CHANGEABLE) {
    const next = patch[field];
    if (next === undefined || next === current[field]) continue;
    changes[field] = next;
    const old = current[field];
    if (old !== undefined) previous[field] = old;
  }
  if (Object.keys(changes).length === 0) return undefined;
  // The contract wants at least one property in `previous`: a change that only sets a first locale carries the user's status as context.
  if (Object.keys(previous).length === 0) previous['status'] = current.status;
  return { changes: changes as UserFields, previous: previous as UserFields };
}

/** Applies a patch to a user (the fields it names). */
export function applyPatch(current: User, patch: UserFields): User {
  return { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
}
