import type { Caller } from '@ledger/auth';
import { Injectable } from '@nestjs/common';
import { AccountReadsCoalescer } from '../accounts/account-reads.coalescer';
import { AccountReader } from '../accounts/account.reader';
import { visibleTo } from '../accounts/account.visibility';
import { GetAccountHandler } from '../get-account/get-account.handler';
import { DEFAULT_WAIT_MS } from '../get-account/get-account.query.dto';
import { QueryConfig } from '../query.config';
import { AccountChangesSubscription } from '../read-model-changes/account-changes.subscription';
import { ReadModelChangesListener } from '../read-model-changes/read-model-changes.listener';
import { AccountStream, type StreamSink } from './account-stream';

export type OpenStreamResult =
  | { readonly kind: 'not-found' }
  /** QUERY_MAX_WAITERS reads wait already, and this stream's account has not been seen yet. */
  | { readonly kind: 'busy' }
  /** Follows the account into `sink` until the stream closes. */
  | { readonly kind: 'ready'; follow(sink: StreamSink): Promise<void> };

@Injectable()
export class StreamAccountHandler {
  constructor(
    private readonly reader: AccountReader,
    private readonly reads: AccountReadsCoalescer,
    private readonly listener: ReadModelChangesListener,
    private readonly accounts: GetAccountHandler,
    private readonly config: QueryConfig,
  ) {}

  /**
   * Subscribes before reading where the account stands, so a change committed in between is still
   * sent. Without `lastEventId` the stream starts after the current version. The stream ends when the
   * caller's token expires: the client reconnects with a fresh one and Last-Event-ID, losing nothing.
   *
   * A client that opens an account and subscribes at once is usually ahead of the projector: an account
   * the read model has not seen is waited for as a read with `minVersion=1` is (someone else's account
   * too, so the wait tells nothing), and its stream then starts before its first change.
   */
  async open(accountId: string, lastEventId: number | undefined, caller: Caller, signal?: AbortSignal): Promise<OpenStreamResult> {
    const changes = new AccountChangesSubscription(this.listener, accountId);
    try {
      let after = lastEventId;
      const account = visibleTo(caller, await this.reader.findAccount(accountId));
      if (account !== null) after ??= Number(account.version);
      else {
        const awaited = await this.accounts.handle({ accountId, caller, minVersion: 1, waitMs: DEFAULT_WAIT_MS, signal });
        if (awaited.kind !== 'found') {
          changes.close();
          return awaited.kind === 'busy' ? { kind: 'busy' } : { kind: 'not-found' };
        }
        after ??= 0;
      }
      const options = {
        accountId,
        after,
        heartbeatMs: this.config.QUERY_SSE_HEARTBEAT_MS,
        drainTimeoutMs: this.config.QUERY_SSE_DRAIN_TIMEOUT_MS,
        until: caller.expiresAt,
      };
      return { kind: 'ready', follow: (sink) => new AccountStream(this.reads, changes, sink, options).run() };
    } catch (error) {
      changes.close();
      throw error;
    }
  }
}
