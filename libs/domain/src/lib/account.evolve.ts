import { AccountEvent, AccountStatus } from './account.events';
import { AccountState } from './account.state';
import { unhandled } from './unhandled';

/**
 * Applies one recorded fact to the state. Total: it never throws and never re-checks rules, because
 * replay must give the same state whatever today's rules are. Balances come from `balanceAfter`, the
 * balance that was decided, never recomputed.
 *
 * An event that cannot attach to anything (a money event before the account was opened) leaves the
 * state unchanged; a stream like that is corrupt and is the consistency checker's to report.
 */
export function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened': {
      const { accountId, owner, ownerId, currency, balanceAfter, openedAt } = event.data;
      return {
        status: 'ACTIVE',
        accountId,
        owner,
        ownerId,
        currency,
        balance: balanceAfter,
        reserved: 0n,
        openedAt,
      };
    }
    case 'MoneyDeposited':
    case 'MoneyWithdrawn':
      if (state.status === 'NOT_OPENED') return state;
      return { ...state, balance: event.data.balanceAfter };
    case 'TransferDebited':
    case 'TransferCredited':
    case 'HoldPlaced':
    case 'HoldPosted':
    case 'HoldReleased':
      if (state.status === 'NOT_OPENED') return state;
      return { ...state, balance: event.data.balanceAfter, reserved: event.data.reservedAfter };
    case 'AccountFrozen':
      return withStatus(state, 'FROZEN');
    case 'AccountUnfrozen':
      return withStatus(state, 'ACTIVE');
    case 'AccountClosed':
      return withStatus(state, 'CLOSED');
    default:
      return unhandled('event', event);
  }
}

function withStatus(state: AccountState, status: AccountStatus): AccountState {
  if (state.status === 'NOT_OPENED') return state;
  return { ...state, status };
}
