import { AccountCommand } from './account.commands';
import { AccountError } from './account.errors';
import { AccountState } from './account.state';

/**
 * Who causes a command, as the domain needs to know it: the token's subject and client, and whether
 * the caller may act on every account (an operator or trusted service). The edge builds it from the
 * verified token; the domain never sees a token.
 */
export type Actor = Readonly<{
  subject: string;
  clientId: string | null;
  operator: boolean;
}>;

/**
 * Whether `actor` may command the account `state` is of: null when it may, else the error a missing
 * account gives, so a caller cannot tell someone else's account from one that does not exist.
 *
 * - An operator reaches every account.
 * - Anyone else reaches only accounts whose `ownerId` is their subject; an account without a recorded
 *   owner (opened before owners were recorded) is reachable by operators only.
 * - A state not yet opened hides nothing: `decide` answers it (not found, or the open itself).
 * - Opening is never refused here: its owner comes from the command, and an existing id is `decide`'s
 *   `AccountAlreadyExists`.
 */
export function accountAccess(actor: Actor, command: AccountCommand, state: AccountState): AccountError | null {
  if (actor.operator || command.type === 'OpenAccount' || state.status === 'NOT_OPENED') return null;
  if (state.ownerId !== null && state.ownerId === actor.subject) return null;
  return { type: 'AccountNotFound', accountId: command.data.accountId };
}
