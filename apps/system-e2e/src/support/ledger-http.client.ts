import { MoneySupply } from './money-supply';

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
  /** The balance less what pending holds reserve. */
  readonly availableBalance: number;
  readonly reserved: number;
  readonly status: string;
  readonly events: ReadonlyArray<{ readonly eventId: string; readonly type: string; readonly version: number }>;
}

export interface AccountBody {
  readonly accountId: string;
  readonly owner: string;
  readonly currency: string;
  readonly balance: number;
  readonly availableBalance: number;
  readonly reserved: number;
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
  /** Set on a transfer's legs only. */
  readonly transferId: string | null;
  readonly counterpartyAccountId: string | null;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** `POST /transfers` (docs/api.md § Transfers). */
export interface TransferRequest {
  readonly transferId: string;
  readonly fromAccountId: string;
  readonly toAccountId: string;
  readonly amount: number;
  readonly currency: string;
  readonly reference?: string;
  readonly pending?: { readonly timeoutSeconds: number };
}

/** The command service's answer to a transfer, a post or a void: never the other party's balance. */
export interface TransferResult {
  readonly transferId: string;
  readonly status: string;
  readonly amount: number;
  readonly currency: string;
  readonly from: { readonly accountId: string; readonly version: number; readonly balance: number; readonly availableBalance: number };
  readonly to: { readonly accountId: string; readonly version: number };
}

/** `GET /transfers/{id}`: the latest state of the transfer whose every leg the read model holds. */
export interface TransferBody {
  readonly transferId: string;
  readonly status: string;
  readonly amount: number;
  readonly postedAmount: number;
  readonly currency: string;
  readonly fromAccountId: string;
  readonly toAccountId: string;
  readonly reference: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly expiresAt: string | null;
}

/** The longest read-your-writes wait the query service accepts. */
export const MAX_WAIT_MS = 10_000;

/**
 * One request and its JSON answer, each on a connection of its own: on a machine this loaded, a
 * kept-alive connection can be reused by the client just as the server's idle timer closes it (the
 * request then fails without reaching the server), which is a property of the test client, not of
 * the system under test.
 */
async function exchange<T>(url: string, authorization: string, init: RequestInit = {}): Promise<Reply<T>> {
  const sentAt = Date.now();
  const response = await fetch(url, { ...init, headers: { ...init.headers, authorization, connection: 'close' } });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (text.length > 0 ? JSON.parse(text) : null) as T,
    sentAt,
    receivedAt: Date.now(),
  };
}

/**
 * The public HTTP contract of the command and query services, as a client sees it: every request
 * carries the client's access token. The money of each accepted opening, deposit and withdrawal is
 * counted in `supply`, which the clients derived with `as` share.
 */
export class LedgerHttpClient {
  private readonly authorization: string;

  constructor(
    private readonly commandUrl: string,
    private readonly queryUrl: string,
    token: string,
    readonly supply = new MoneySupply(),
  ) {
    this.authorization = `Bearer ${token}`;
  }

  /** The same services as the holder of another token sees them. */
  as(token: string): LedgerHttpClient {
    return new LedgerHttpClient(this.commandUrl, this.queryUrl, token, this.supply);
  }

  async open(body: { owner: string; currency: string; initialDeposit?: number }): Promise<Reply<CommandResult>> {
    const reply = await this.post<CommandResult>(`${this.commandUrl}/accounts`, body);
    if (reply.status === 201) this.supply.opened(reply.body.accountId, body.currency, body.initialDeposit ?? 0);
    return reply;
  }

  async deposit(accountId: string, amount: number): Promise<Reply<CommandResult>> {
    const reply = await this.post<CommandResult>(`${this.commandUrl}/accounts/${accountId}/deposits`, { amount });
    if (reply.status === 201) this.supply.deposited(accountId, amount);
    return reply;
  }

  async withdraw(accountId: string, amount: number): Promise<Reply<CommandResult>> {
    const reply = await this.post<CommandResult>(`${this.commandUrl}/accounts/${accountId}/withdrawals`, { amount });
    if (reply.status === 201) this.supply.withdrawn(accountId, amount);
    return reply;
  }

  freeze(accountId: string, reason: string): Promise<Reply<CommandResult>> {
    return this.post(`${this.commandUrl}/accounts/${accountId}/freeze`, { reason });
  }

  unfreeze(accountId: string): Promise<Reply<CommandResult>> {
    return this.post(`${this.commandUrl}/accounts/${accountId}/unfreeze`, {});
  }

  close(accountId: string): Promise<Reply<CommandResult>> {
    return this.post(`${this.commandUrl}/accounts/${accountId}/close`, {});
  }

  transfer(body: TransferRequest): Promise<Reply<TransferResult>> {
    return this.post(`${this.commandUrl}/transfers`, body);
  }

  /** Posts a hold: all of it without `amount`. */
  postTransfer(transferId: string, amount?: number): Promise<Reply<TransferResult>> {
    return this.post(`${this.commandUrl}/transfers/${transferId}/post`, amount === undefined ? {} : { amount });
  }

  /** The transfer in its latest whole state; `waitMs` waits for its latest state to be whole first. */
  readTransfer(transferId: string, waitMs?: number): Promise<Reply<TransferBody>> {
    return this.get(`${this.queryUrl}/transfers/${transferId}${waitMs === undefined ? '' : `?waitMs=${waitMs}`}`);
  }

  /**
   * Read-your-writes: answers once the read model has reached `minVersion`. A 504 (not yet, after the
   * longest wait the service grants) is asked again up to `patienceMs`: on a loaded machine the
   * pipeline may lag by more than one wait, and this suite checks what becomes visible, not how fast.
   */
  async account(accountId: string, minVersion: number, patienceMs = 6 * MAX_WAIT_MS): Promise<Reply<AccountBody>> {
    const deadline = Date.now() + patienceMs;
    for (;;) {
      const reply = await this.get<AccountBody>(`${this.queryUrl}/accounts/${accountId}?minVersion=${minVersion}&waitMs=${MAX_WAIT_MS}`);
      if (reply.status !== 504 || Date.now() >= deadline) return reply;
    }
  }

  /** The account as the read model has it now, without waiting for a version. */
  read(accountId: string): Promise<Reply<AccountBody>> {
    return this.get(`${this.queryUrl}/accounts/${accountId}`);
  }

  transactions(accountId: string, limit = 200): Promise<Reply<Page<TransactionItem>>> {
    return this.get(`${this.queryUrl}/accounts/${accountId}/transactions?limit=${limit}`);
  }

  /** The accounts of an owner (display name): an operator's listing. */
  accountsOf(owner: string, limit = 200, cursor?: string): Promise<Reply<Page<AccountBody>>> {
    const after = cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    return this.get(`${this.queryUrl}/accounts?owner=${encodeURIComponent(owner)}&limit=${limit}${after}`);
  }

  /** The caller's own accounts: those opened with its token's subject. */
  ownAccounts(limit = 200): Promise<Reply<Page<AccountBody>>> {
    return this.get(`${this.queryUrl}/accounts?limit=${limit}`);
  }

  streamUrl(accountId: string): string {
    return `${this.queryUrl}/accounts/${accountId}/stream`;
  }

  /** What a stream request must carry besides `Last-Event-ID`. */
  streamHeaders(): Record<string, string> {
    return { authorization: this.authorization };
  }

  private get<T>(url: string): Promise<Reply<T>> {
    return exchange<T>(url, this.authorization);
  }

  private post<T>(url: string, body: unknown): Promise<Reply<T>> {
    return exchange<T>(url, this.authorization, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}
