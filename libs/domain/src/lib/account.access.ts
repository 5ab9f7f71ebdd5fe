import { AccountCommand } from './account.commands';
import { AccountError } from './account.errors';
import { AccountState } from './account.state';
import { TransferCommand } from './transfer.commands';
import { TransferError } from './transfer.errors';
import { TransferState } from './transfer.state';
import { unhandled } from './unhandled';

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
  if (ownedBy(actor, state)) return null;
  return { type: 'AccountNotFound', accountId: command.data.accountId };
}

/**
 * Whether `actor` may give a transfer command: null when it may, else the error of what it may not
 * see. Money leaves an account only on its owner's word (or an operator's); the destination may be
 * anyone's, and its owner gets no say over the transfer.
 *
 * - A new transfer: the source (`from`, the account the command names) must be the actor's; someone
 *   else's is `AccountNotFound`, exactly as a missing one. A source not opened hides nothing.
 * - Post and void: only the source's owner; for anyone else the transfer is `TransferNotFound`, so a
 *   transfer id cannot be probed (the destination's owner may read the transfer, not resolve it).
 * - Expiry is the system's own act: operators (the expiry worker's identity) only.
 * - A transfer that does not exist hides nothing: `decideTransfer` answers it.
 */
export function transferAccess(actor: Actor, command: TransferCommand, transfer: TransferState, from: AccountState): TransferError | null {
  if (actor.operator) return null;
  switch (command.type) {
    case 'TransferMoney':
    case 'PlacePendingTransfer':
      if (from.status === 'NOT_OPENED' || ownedBy(actor, from)) return null;
      return { type: 'AccountNotFound', accountId: command.data.fromAccountId };
    case 'PostPendingTransfer':
    case 'VoidPendingTransfer':
      if (transfer.status === 'NOT_CREATED') return null;
      if (from.status !== 'NOT_OPENED' && from.accountId === transfer.fromAccountId && ownedBy(actor, from)) return null;
      return { type: 'TransferNotFound', transferId: command.data.transferId };
    case 'ExpirePendingTransfer':
      return transfer.status === 'NOT_CREATED' ? null : { type: 'TransferNotFound', transferId: command.data.transferId };
    default:
      return unhandled('command', command);
  }
}

/** An account without a recorded owner belongs to no one but the operators. */
function ownedBy(actor: Actor, state: Exclude<AccountState, { status: 'NOT_OPENED' }>): boolean {
  return state.ownerId !== null && state.ownerId === actor.subject;
}
