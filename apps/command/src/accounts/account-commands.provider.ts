import { Provider } from '@nestjs/common';
import { AccountCommandHandler } from '@ledger/account-commands';
import { DEFAULT_RETRY } from '@ledger/command-handling';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { CommandConfig } from '../command.config';
import { ID_GENERATOR, IdGenerator } from './clock';
import { CommandObserver } from './command.observer';

/** The framework-free account command handler, wired to the app's store, config, ids and metrics. */
export const accountCommandsProvider: Provider = {
  provide: AccountCommandHandler,
  inject: [EVENT_STORE, CommandConfig, CommandObserver, ID_GENERATOR],
  useFactory: (store: EventStore, config: CommandConfig, observer: CommandObserver, ids: IdGenerator) =>
    new AccountCommandHandler({
      store,
      snapshotEvery: config.SNAPSHOT_EVERY,
      retry: { ...DEFAULT_RETRY, maxAttempts: config.COMMAND_MAX_ATTEMPTS },
      observer,
      newEventId: () => ids.next(),
      serializePerAccount: config.COMMAND_ACCOUNT_QUEUE === 'serial',
      maxWaitingPerAccount: config.COMMAND_ACCOUNT_QUEUE_LIMIT,
    }),
};
