import type { Caller } from '@ledger/auth';
import { Injectable } from '@nestjs/common';
import { AccountReader } from '../accounts/account.reader';
import { visibleTo } from '../accounts/account.visibility';
import { QueryConfig } from '../query.config';
import { AccountChangesSubscription } from '../read-model-changes/account-changes.subscription';
import { ReadModelChangesListener } from '../read-model-changes/read-model-changes.listener';
import { AccountStream, type StreamSink } from './account-stream';

export type OpenStreamResult =
  | { readonly kind: 'not-found' }
  /** Follows the account into `sink` until the stream closes. */
  | { readonly kind: 'ready'; follow(sink: StreamSink): Promise<void> };

@Injectable()
export class StreamAccountHandler {
  constructor(
    private readonly reader: AccountReader,
    private readonly listener: ReadModelChangesListener,
    private readonly config: QueryConfig,
  ) {}

  /**
   * Subscribes before reading where the account stands, so a change committed in between is still
   * sent. Without `lastEventId` the stream starts after the current version. The stream ends when the
   * caller's token expires: the client reconnects with a fresh one and Last-Event-ID, losing nothing.
   */
  async open(accountId: string, lastEventId: number | undefined, caller: Caller): Promise<OpenStreamResult> {
    const changes = new AccountChangesSubscription(this.listener, accountId);
    try {
      const account = visibleTo(caller, await this.reader.findAccount(accountId));
      if (account === null) {
        changes.close();
        return { kind: 'not-found' };
      }
      const options = {
        accountId,
        after: lastEventId ?? Number(account.version),
        heartbeatMs: this.config.QUERY_SSE_HEARTBEAT_MS,
        drainTimeoutMs: this.config.QUERY_SSE_DRAIN_TIMEOUT_MS,
        until: caller.expiresAt,
      };
      return { kind: 'ready', follow: (sink) => new AccountStream(this.reader, changes, sink, options).run() };
    } catch (error) {
      changes.close();
      throw error;
    }
  }
}
