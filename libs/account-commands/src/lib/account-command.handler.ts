import { AccountCommand, AccountError, AccountEvent, AccountState, accountAccess } from '@ledger/domain';
import {
  Accepted,
  CommandHandler,
  CommandHandlerObserver,
  CommandOutcome,
  DEFAULT_RETRY,
  KeyedSerialQueue,
  RecentStateCache,
  RECENT_STATE_CACHE_SIZE,
  RecordedOutcome,
  RetryPolicy,
  StateCache,
} from '@ledger/command-handling';
import { DEFAULT_SNAPSHOT_EVERY, EventStore } from '@ledger/event-store';
import { accountCodec } from './account.codec';
import { accountDecider } from './account.decider';
import { CommandContext, eventMetadataOf } from './command-context';

/** Refused before it ran: COMMAND_ACCOUNT_QUEUE_LIMIT commands on the account wait in this process already. */
export interface AccountQueueFull {
  readonly kind: 'account-busy';
  readonly accountId: string;
}

export type AccountCommandOutcome = CommandOutcome<AccountState, AccountEvent, AccountError> | AccountQueueFull;
export type AcceptedAccountCommand = Accepted<AccountState, AccountEvent>;
/** What an Idempotency-Key recorded of an account command, and answers its retries with. */
export type RecordedAccountOutcome = RecordedOutcome<AccountState, AccountEvent, AccountError>;

export interface AccountCommandHandlerOptions {
  readonly store: EventStore;
  /** A snapshot every N events of an account. */
  readonly snapshotEvery?: number;
  readonly retry?: RetryPolicy;
  readonly observer?: CommandHandlerObserver<AccountCommand>;
  readonly newEventId?: () => string;
  /** Accounts whose last written state is kept; 0 turns the cache off. */
  readonly cacheSize?: number;
  /**
   * Commands on one account wait for each other in this process instead of racing to the database
   * (under contention every attempt then succeeds first time). Default true; optimistic concurrency
   * still guards across processes either way.
   */
  readonly serializePerAccount?: boolean;
  /** Commands that may wait behind the running one on an account (with serializePerAccount); one more is refused. */
  readonly maxWaitingPerAccount?: number;
  /**
   * The queue and cache to use instead of this handler's own (then `cacheSize`, `serializePerAccount`
   * and `maxWaitingPerAccount` are not read): the transfer handler shares them, so that both queue on
   * an account alike and each sees the state the other wrote.
   */
  readonly accountStreams?: SharedAccountStreams;
}

/** What the handlers that write accounts in one process share: the per-account queue (null: none) and the state cache. */
export interface SharedAccountStreams {
  readonly queue: KeyedSerialQueue | null;
  readonly cache: StateCache<AccountState> | undefined;
}

/** The queue and cache `options` ask for, to share between the account and transfer handlers. */
export function sharedAccountStreams(
  options: Pick<AccountCommandHandlerOptions, 'cacheSize' | 'serializePerAccount' | 'maxWaitingPerAccount'> = {},
): SharedAccountStreams {
  const cacheSize = options.cacheSize ?? RECENT_STATE_CACHE_SIZE;
  return {
    queue: options.serializePerAccount === false ? null : new KeyedSerialQueue(options.maxWaitingPerAccount),
    cache: cacheSize > 0 ? new RecentStateCache<AccountState>(cacheSize) : undefined,
  };
}

/**
 * The account aggregate's command handler: the generic `CommandHandler` wired to the domain's
 * decide/evolve and codec, with a per-account serial queue and a cache of recently written states.
 * The stream is the command's account, the events' time is the command's `now`. Someone else's account
 * answers as a missing one (see `accountAccess`), and Idempotency-Keys are scoped by the actor's subject.
 */
export class AccountCommandHandler {
  private readonly handler: CommandHandler<AccountCommand, AccountState, AccountEvent, AccountError>;
  private readonly queue: KeyedSerialQueue | null;

  constructor(options: AccountCommandHandlerOptions) {
    const { queue, cache } = options.accountStreams ?? sharedAccountStreams(options);
    this.handler = new CommandHandler({
      store: options.store,
      decider: accountDecider,
      codec: accountCodec,
      snapshotEvery: options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY,
      retry: options.retry ?? DEFAULT_RETRY,
      cache,
      observer: options.observer,
      newEventId: options.newEventId,
    });
    this.queue = queue;
  }

  handle(command: AccountCommand, context: CommandContext): Promise<AccountCommandOutcome> {
    const accountId = command.data.accountId;
    const { actor, idempotency } = context;
    const run = () =>
      this.handler.handle(accountId, command, {
        metadata: eventMetadataOf(context),
        occurredAt: command.data.now,
        expectedVersion: context.expectedVersion,
        idempotency: idempotency && { ...idempotency, scope: actor.subject },
        // Checked against the write model, never the eventually consistent read model.
        access: (state) => accountAccess(actor, command, state) ?? undefined,
      });
    if (this.queue === null) return run();
    return this.queue.tryRun<AccountCommandOutcome>(accountId, run) ?? Promise.resolve({ kind: 'account-busy', accountId });
  }

  /** The account as the store has it now (for tests and tools that check what a command left behind). */
  load(accountId: string): Promise<{ readonly state: AccountState; readonly version: number }> {
    return this.handler.load(accountId);
  }
}
