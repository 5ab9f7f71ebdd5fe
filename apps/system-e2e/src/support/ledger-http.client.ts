import { randomUUID } from 'node:crypto';

/** One HTTP answer: status, content type and the parsed JSON body. */
export interface Reply<T> {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: T;
  /** `Date.now()` just before the request was sent and just after its body was read. */
  readonly sentAt: number;
  readonly receivedAt: number;
}

/** The command service's success body (docs/api.md). */
export interface CommandResult {
  readonly accountId: string;
  readonly version: number;
  readonly balance: number;
  readonly status: string;
  readonly events: ReadonlyArray<{ readonly eventId: string; readonly type: string; readonly version: number }>;
}

export interface AccountBody {
  readonly accountId: string;
  readonly owner: string;
  readonly currency: string;
  readonly balance: number;
  readonly status: string;
  readonly version: number;
  readonly openedAt: string;
  readonly updatedAt: string;
  readonly summary: {
    readonly totalDeposited: number | string;
    readonly totalWithdrawn: number | string;
    readonly transactionCount: number;
    readonly lastActivityAt: string | null;
  };
}

export interface TransactionItem {
  readonly eventId: string;
  readonly version: number;
  readonly type: string;
  readonly amount: number | null;
  readonly balanceAfter: number | null;
  readonly reason: string | null;
  readonly occurredAt: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** The longest read-your-writes wait the query service accepts. */
export const MAX_WAIT_MS = 10_000;

/** Transport failures a client retries: the server closed a kept-alive connection as the request went out. */
const RETRIED_CAUSES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
const ATTEMPTS = 3;

function isRetried(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return cause?.code !== undefined && RETRIED_CAUSES.has(cause.code);
}

/**
 * One request and its JSON answer. A connection reset is retried, as any client would: reads are
 * safe to repeat, and every command carries an Idempotency-Key, so a repeat returns the first answer.
 */
async function exchange<T>(url: string, init: RequestInit = {}): Promise<Reply<T>> {
  const sentAt = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url, init);
      const text = await response.text();
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: (text.length > 0 ? JSON.parse(text) : null) as T,
        sentAt,
        receivedAt: Date.now(),
      };
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetried(error)) throw error;
    }
  }
}

function post<T>(url: string, body: unknown): Promise<Reply<T>> {
  return exchange<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
  });
}

/** The public HTTP contract of the command and query services, as a client sees it. */
export class LedgerHttpClient {
  constructor(
    private readonly commandUrl: string,
    private readonly queryUrl: string,
  ) {}

  open(body: { owner: string; currency: string; initialDeposit?: number }): Promise<Reply<CommandResult>> {
    return post(`${this.commandUrl}/accounts`, body);
  }

  deposit(accountId: string, amount: number): Promise<Reply<CommandResult>> {
    return post(`${this.commandUrl}/accounts/${accountId}/deposits`, { amount });
  }

  withdraw(accountId: string, amount: number): Promise<Reply<CommandResult>> {
    return post(`${this.commandUrl}/accounts/${accountId}/withdrawals`, { amount });
  }

  freeze(accountId: string, reason: string): Promise<Reply<CommandResult>> {
    return post(`${this.commandUrl}/accounts/${accountId}/freeze`, { reason });
  }

  unfreeze(accountId: string): Promise<Reply<CommandResult>> {
    return post(`${this.commandUrl}/accounts/${accountId}/unfreeze`, {});
  }

  close(accountId: string): Promise<Reply<CommandResult>> {
    return post(`${this.commandUrl}/accounts/${accountId}/close`, {});
  }

  /** Read-your-writes: answers once the read model has reached `minVersion` (or 504 after the wait). */
  account(accountId: string, minVersion: number, waitMs = MAX_WAIT_MS): Promise<Reply<AccountBody>> {
    return exchange(`${this.queryUrl}/accounts/${accountId}?minVersion=${minVersion}&waitMs=${waitMs}`);
  }

  transactions(accountId: string, limit = 200): Promise<Reply<Page<TransactionItem>>> {
    return exchange(`${this.queryUrl}/accounts/${accountId}/transactions?limit=${limit}`);
  }

  accountsOf(owner: string, limit = 200, cursor?: string): Promise<Reply<Page<AccountBody>>> {
    const after = cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    return exchange(`${this.queryUrl}/accounts?owner=${encodeURIComponent(owner)}&limit=${limit}${after}`);
  }

  streamUrl(accountId: string): string {
    return `${this.queryUrl}/accounts/${accountId}/stream`;
  }
}
