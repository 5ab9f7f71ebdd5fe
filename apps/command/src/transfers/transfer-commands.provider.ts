import { Provider } from '@nestjs/common';
import { SharedAccountStreams, TransferCommandHandler } from '@ledger/account-commands';
import { DEFAULT_RETRY } from '@ledger/command-handling';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { ACCOUNT_STREAMS } from '../accounts/account-commands.provider';
import { ID_GENERATOR, IdGenerator } from '../accounts/clock';
import { CommandObserver } from '../accounts/command.observer';
import { CommandConfig } from '../command.config';

/** The framework-free transfer command handler, on the account handler's queue and cache. */
export const transferCommandsProvider: Provider = {
  provide: TransferCommandHandler,
  inject: [EVENT_STORE, CommandConfig, CommandObserver, ID_GENERATOR, ACCOUNT_STREAMS],
  useFactory: (
    store: EventStore,
    config: CommandConfig,
    observer: CommandObserver,
    ids: IdGenerator,
    accountStreams: SharedAccountStreams,
  ) =>
    new TransferCommandHandler({
      store,
      snapshotEvery: config.SNAPSHOT_EVERY,
      retry: { ...DEFAULT_RETRY, maxAttempts: config.COMMAND_MAX_ATTEMPTS },
      observer,
      newEventId: () => ids.next(),
      accountStreams,
    }),
};
