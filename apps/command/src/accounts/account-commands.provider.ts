import { Provider } from '@nestjs/common';
import { AccountCommandHandler, SharedAccountStreams, sharedAccountStreams } from '@ledger/account-commands';
import { DEFAULT_RETRY } from '@ledger/command-handling';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { CommandConfig } from '../command.config';
import { ID_GENERATOR, IdGenerator } from './clock';
import { CommandObserver } from './command.observer';

export const ACCOUNT_STREAMS = Symbol('ACCOUNT_STREAMS');

/** One per-account queue and state cache for every handler that writes accounts (accounts and transfers). */
export const accountStreamsProvider: Provider = {
  provide: ACCOUNT_STREAMS,
  inject: [CommandConfig],
  useFactory: (config: CommandConfig): SharedAccountStreams =>
    sharedAccountStreams({
      serializePerAccount: config.COMMAND_ACCOUNT_QUEUE === 'serial',
      maxWaitingPerAccount: config.COMMAND_ACCOUNT_QUEUE_LIMIT,
    }),
};

/** The framework-free account command handler, wired to the app's store, config, ids and metrics. */
export const accountCommandsProvider: Provider = {
  provide: AccountCommandHandler,
  inject: [EVENT_STORE, CommandConfig, CommandObserver, ID_GENERATOR, ACCOUNT_STREAMS],
  useFactory: (
    store: EventStore,
    config: CommandConfig,
    observer: CommandObserver,
    ids: IdGenerator,
    accountStreams: SharedAccountStreams,
  ) =>
    new AccountCommandHandler({
      store,
      snapshotEvery: config.SNAPSHOT_EVERY,
      retry: { ...DEFAULT_RETRY, maxAttempts: config.COMMAND_MAX_ATTEMPTS },
      observer,
      newEventId: () => ids.next(),
      accountStreams,
    }),
};
