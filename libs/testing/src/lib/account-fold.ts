import { evolve, initialAccountState, type AccountEvent, type AccountState } from '@ledger/domain';

/** An account's state after its stream (or the tail after a snapshot), as the domain's evolve gives it: what a test compares a stored or projected account with. */
export function foldAccount(events: Iterable<AccountEvent>, from: AccountState = initialAccountState): AccountState {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
}
