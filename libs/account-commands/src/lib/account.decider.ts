import { AccountCommand, AccountError, AccountEvent, AccountState, decide, evolve, initialAccountState } from '@ledger/domain';
import type { Decider } from '@ledger/command-handling';

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent, AccountError> = {
  initialState: initialAccountState,
  decide,
  evolve,
};
