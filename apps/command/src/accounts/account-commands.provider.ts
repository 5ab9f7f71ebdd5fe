import { Provider } from '@nestjs/common';
import {
  AccountCommandHandler,
  sharedAccountStreams,
  type AccountCommandHandlerOptions,
  type TransferCommandHandlerOptions,
} from '@ledger/account-commands';
import { DEFAULT_RETRY } from '@ledger/command-handling';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { CommandConfig } from '../command.config';
import { ID_GENERATOR, IdGenerator } from './clock';
import { CommandObserver } from './command.observer';

export const ACCOUNT_WRITER_OPTIONS = Symbol('ACCOUNT_WRITER_OPTIONS');

/** What builds a handler that writes accounts, whether account or transfer commands. */
export type AccountWriterOptions = AccountCommandHandlerOptions & TransferCommandHandlerOptions;

/**
 * Every handler that writes accounts is wired alike to the app's store, config, ids and metrics, and
 * shares one per-account queue and state cache.
 */
export const accountWriterOptionsProvider: Provider = {
  provide: ACCOUNT_WRITER_OPTIONS,
  inject: [EVENT_STORE, CommandConfig, CommandObserver, ID_GENERATOR],
  useFactory: (store: EventStore, config: CommandConfig, observer: CommandObserver, ids: IdGenerator): AccountWriterOptions => ({
    store,
    snapshotEvery: config.SNAPSHOT_EVERY,
    retry: { ...DEFAULT_RETRY, maxAttempts: config.COMMAND_MAX_ATTEMPTS },
    observer,
    newEventId: () => ids.next(),
    accountStreams: sharedAccountStreams({
      serializePerAccount: config.COMMAND_ACCOUNT_QUEUE === 'serial',
      maxWaitingPerAccount: config.COMMAND_ACCOUNT_QUEUE_LIMIT,
    }),
  }),
};

/** The framework-free account command handler. */
export const accountCommandsProvider: Provider = {
  provide: AccountCommandHandler,
  inject: [ACCOUNT_WRITER_OPTIONS],
  useFactory: (options: AccountWriterOptions) => new AccountCommandHandler(options),
};
