import { isOperator, type Caller } from '@ledger/auth';
import type { AccountEntity } from '@ledger/read-model-schema';

/**
 * Operators see every account; anyone else only the accounts its subject opened, never one without
 * an owner (opened before owners existed).
 */
export function canSee(caller: Caller, account: Pick<AccountEntity, 'ownerId'>): boolean {
  return isOperator(caller) || (account.ownerId !== null && account.ownerId === caller.subject);
}

/** The account when the caller may see it, else null: exactly what a missing account reads as, so ids cannot be probed. */
export function visibleTo<A extends Pick<AccountEntity, 'ownerId'>>(caller: Caller, account: A | null): A | null {
  return account !== null && canSee(caller, account) ? account : null;
}
