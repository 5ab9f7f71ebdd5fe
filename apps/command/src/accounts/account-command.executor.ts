import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccountCommand, decide, foldAccount } from '@ledger/domain';
import { EventMetadata, IdempotencyRecord, JsonObject } from '@ledger/event-store';
import { ProblemException } from '@ledger/platform';
import { CommandConfig } from '../command.config';
import { accountProblem, concurrencyConflict, idempotencyKeyReused, versionMismatch } from './account-problems';
import { AccountRepository, LoadedAccount } from './account.repository';
import { AccountStateCache } from './account-state.cache';
import { toResponse } from './account-command.response';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from './clock';
import { CommandContext } from './command-context';
import { CommandMetrics } from './command.metrics';
import { KeyedSerialQueue } from './keyed-serial-queue';

export interface CommandOutcome {
  readonly status: number;
  readonly body: JsonObject;
  /** True when an Idempotency-Key replayed the first response and nothing was appended. */
  readonly replayed: boolean;
}

type Attempt = { readonly done: CommandOutcome } | { readonly retry: true };

const CREATED = 201;

/**
 * The one pipeline every account command runs: load (snapshot + tail), decide, append with the
 * version it loaded. Without If-Match a conflict is retried a bounded number of times; with it the
 * conflict is the client's 412. An Idempotency-Key's response is stored in the append's transaction.
 */
@Injectable()
export class AccountCommandExecutor {
  private readonly queue = new KeyedSerialQueue();
  private readonly recent = new AccountStateCache();

  constructor(
    private readonly accounts: AccountRepository,
    private readonly metrics: CommandMetrics,
    private readonly config: CommandConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(accountId: string, command: (now: Date) => AccountCommand, context: CommandContext): Promise<CommandOutcome> {
    const type = command(new Date(0)).type;
    const end = this.metrics.duration.startTimer({ command: type });
    try {
      const outcome = await this.queue.run(accountId, () => this.run(accountId, command, context, type));
      this.metrics.commands.inc({ command: type, outcome: outcome.replayed ? 'replayed' : 'ok' });
      return outcome;
    } catch (error) {
      const outcome = error instanceof ProblemException ? error.problem.type.split('/').pop() : 'error';
      this.metrics.commands.inc({ command: type, outcome });
      throw error;
    } finally {
      end();
    }
  }

  private async run(
    accountId: string,
    command: (now: Date) => AccountCommand,
    context: CommandContext,
    type: string,
  ): Promise<CommandOutcome> {
    if (context.idempotency) {
      const recorded = await this.accounts.findIdempotencyRecord(context.idempotency.key);
      if (recorded) return this.replay(recorded, context.idempotency.requestHash);
    }
    const attempts = context.expectedVersion === undefined ? this.config.COMMAND_MAX_ATTEMPTS : 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        this.metrics.retries.inc({ command: type });
        await backoff(attempt);
      }
      const result = await this.attempt(accountId, command, context);
      if ('done' in result) return result.done;
      this.metrics.conflicts.inc({ command: type });
    }
    if (context.expectedVersion !== undefined) {
      const { version } = await this.accounts.load(accountId);
      throw versionMismatch(context.expectedVersion, version);
    }
    throw concurrencyConflict();
  }

  /**
   * The account and the decision on it. A cached state may decide an append (the append's version
   * check catches a stale one), but never a refusal, which nothing would check: refusals come from
   * the store's state only.
   */
  private async decideOn(accountId: string, command: AccountCommand, expectedVersion?: number) {
    const cached = this.recent.get(accountId, expectedVersion);
    if (cached !== undefined) {
      const decision = decide(command, cached.state);
      if (decision.ok) return { loaded: cached, decision };
      this.recent.forget(accountId);
    }
    const loaded: LoadedAccount = await this.accounts.load(accountId);
    return { loaded, decision: decide(command, loaded.state) };
  }

  private async attempt(accountId: string, command: (now: Date) => AccountCommand, context: CommandContext): Promise<Attempt> {
    const now = this.clock.now();
    const { loaded, decision } = await this.decideOn(accountId, command(now), context.expectedVersion);
    if (context.expectedVersion !== undefined && loaded.version !== context.expectedVersion) {
      throw versionMismatch(context.expectedVersion, loaded.version);
    }
    if (!decision.ok) throw accountProblem(decision.error);

    const stateAfter = foldAccount(decision.events, loaded.state);
    // Ids are fresh per attempt, so a retried command never reuses one; the response names them and
    // is stored with the events when an Idempotency-Key is given.
    const events = decision.events.map((event, index) => ({ eventId: this.ids.next(), event, version: loaded.version + index + 1 }));
    const nextVersion = loaded.version + events.length;
    const body = toResponse(
      accountId,
      stateAfter,
      nextVersion,
      events.map(({ eventId, event, version }) => ({ eventId, type: event.type, version })),
    ) as unknown as JsonObject;
    // Whatever happens next the cached state is no longer known to be current; a success puts it back.
    this.recent.forget(accountId);
    const result = await this.accounts.append({
      accountId,
      loaded,
      events,
      stateAfter,
      metadata: metadataOf(context),
      occurredAt: now,
      idempotency: context.idempotency && { ...context.idempotency, result: { status: CREATED, body } },
    });
    switch (result.kind) {
      case 'appended':
        this.recent.remember(accountId, { state: stateAfter, version: nextVersion });
        return { done: { status: CREATED, body, replayed: false } };
      case 'conflict':
        return { retry: true };
      case 'idempotency-key-used':
        return { done: this.replay(result.record, context.idempotency?.requestHash ?? '') };
      default: {
        const _exhaustive: never = result;
        throw new Error(`unhandled append result ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  private replay(record: IdempotencyRecord, requestHash: string): CommandOutcome {
    if (record.requestHash !== requestHash) throw idempotencyKeyReused();
    const { status, body } = record.result as { status: number; body: JsonObject };
    return { status, body, replayed: true };
  }
}

function metadataOf(context: CommandContext): EventMetadata {
  return {
    correlationId: context.correlationId,
    causationId: randomUUID(),
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
    ...(context.tracestate ? { tracestate: context.tracestate } : {}),
  };
}

/**
 * The first retry is immediate: the conflict means another writer just committed, and reloading at
 * once keeps this replica level with that writer's next command. Later retries back off with jitter
 * (up to 2, 4, 8 ... ms, capped at 50 ms) to break up a pile-up.
 */
function backoff(attempt: number): Promise<void> {
  if (attempt <= 2) return Promise.resolve();
  const ceiling = Math.min(50, 2 ** (attempt - 2));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
