import { problemType } from '@ledger/platform';
import { mintToken, SseClient, type SseMessage } from '@ledger/testing';
import { ExpectedAccount, type Change } from './support/expected-account.model';
import type { CommandResult, LedgerHttpClient, Reply } from './support/ledger-http.client';
import type { LedgerSystem } from './support/ledger-system.harness';

const PROBLEM_JSON = /^application\/problem\+json/;
/** Generous: on a machine shared with other test runs, 500 commands through four processes can take minutes. */
const MANY_ACCOUNTS_TIMEOUT_MS = 240_000;
/** occurredAt is chosen by the command service between our send and its answer; the clocks are one machine's. */
const CLOCK_SLACK_MS = 5;

const framesOf = (messages: readonly SseMessage[]) => messages.map(({ id, event, data }) => ({ id, event, data }));

/** An account's life through the four apps: writes read back whole, refusals, streams, concurrency, who sees what. */
export function accountCases(system: LedgerSystem): void {
  /** A customer: every account of these cases but the many-accounts one is its own. */
  let client: LedgerHttpClient;
  let operator: LedgerHttpClient;
  const streams: SseClient[] = [];

  beforeAll(() => {
    client = system.client;
    operator = system.operator;
  });

  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });

  async function connect(as: LedgerHttpClient, accountId: string, lastEventId: number): Promise<SseClient> {
    const stream = await SseClient.connect(as.streamUrl(accountId), { ...as.streamHeaders(), 'last-event-id': String(lastEventId) });
    streams.push(stream);
    return stream;
  }

  async function follow(accountId: string, lastEventId: number): Promise<SseClient> {
    const stream = await connect(client, accountId, lastEventId);
    expect(stream.status).toBe(200);
    return stream;
  }

  /** Reads the account with minVersion = its expected version and checks the whole body and the history. */
  async function expectReadBack(account: ExpectedAccount): Promise<void> {
    const read = await client.account(account.accountId, account.version);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(account.body());
    const history = await client.transactions(account.accountId);
    expect(history.status).toBe(200);
    expect(history.body).toEqual({ items: account.history() });
  }

  /** A write that must be accepted: checks the 201, learns occurredAt from the read model, then reads back. */
  async function accepted(account: ExpectedAccount, change: Change, send: () => Promise<Reply<CommandResult>>): Promise<void> {
    const { balance, status } = account.after(change);
    const version = account.version + 1;
    const reply = await send();
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      accountId: account.accountId,
      version,
      balance,
      availableBalance: balance,
      reserved: 0,
      status,
      events: [{ eventId: expect.any(String), type: change.type, version }],
    });
    const read = await client.account(account.accountId, version);
    expect(read.status).toBe(200);
    const occurredAt = Date.parse(read.body.updatedAt);
    expect(occurredAt).toBeGreaterThanOrEqual(reply.sentAt - CLOCK_SLACK_MS);
    expect(occurredAt).toBeLessThanOrEqual(reply.receivedAt + CLOCK_SLACK_MS);
    account.apply(change, reply.body.events[0]?.eventId ?? '', read.body.updatedAt);
    await expectReadBack(account);
  }

  /** A write that must be refused with a 409 of the given kind, changing nothing anywhere. */
  async function refused(account: ExpectedAccount, kind: string, send: () => Promise<Reply<unknown>>): Promise<Reply<unknown>> {
    const reply = await send();
    expect(reply.status).toBe(409);
    expect(reply.contentType).toMatch(PROBLEM_JSON);
    expect(reply.body).toMatchObject({ type: problemType(kind), status: 409 });
    await expectReadBack(account);
    return reply;
  }

  async function open(owner: string, initialDeposit: number): Promise<ExpectedAccount> {
    const reply = await client.open({ owner, currency: 'EUR', initialDeposit });
    expect(reply.status).toBe(201);
    const account = new ExpectedAccount(reply.body.accountId, owner, 'EUR');
    const read = await client.account(account.accountId, 1);
    expect(read.status).toBe(200);
    account.apply({ type: 'AccountOpened', amount: initialDeposit }, reply.body.events[0]?.eventId ?? '', read.body.updatedAt);
    expect(reply.body).toEqual({
      accountId: account.accountId,
      version: 1,
      balance: initialDeposit,
      availableBalance: initialDeposit,
      reserved: 0,
      status: 'ACTIVE',
      events: [{ eventId: expect.any(String), type: 'AccountOpened', version: 1 }],
    });
    await expectReadBack(account);
    return account;
  }

  it('takes an account from open to close: every write read back whole, refusals change nothing, a stream from the start sees it all in order', async () => {
    const account = await open('Ada Lovelace', 10_000);
    const id = account.accountId;
    const live = await follow(id, 0);

    await accepted(account, { type: 'MoneyDeposited', amount: 2_500 }, () => client.deposit(id, 2_500));
    await accepted(account, { type: 'MoneyWithdrawn', amount: 1_500 }, () => client.withdraw(id, 1_500));
    const poor = await refused(account, 'insufficient-funds', () => client.withdraw(id, 50_000));
    expect(poor.body).toMatchObject({ balance: 11_000, requested: 50_000 });
    // Freezing is an operator's act; the customer's own writes meet the freeze.
    await accepted(account, { type: 'AccountFrozen', reason: 'card reported stolen' }, () => operator.freeze(id, 'card reported stolen'));
    await refused(account, 'account-frozen', () => client.deposit(id, 100));
    await accepted(account, { type: 'AccountUnfrozen' }, () => operator.unfreeze(id));
    await refused(account, 'balance-not-zero', () => client.close(id));
    await accepted(account, { type: 'MoneyWithdrawn', amount: 11_000 }, () => client.withdraw(id, 11_000));
    await accepted(account, { type: 'AccountClosed' }, () => client.close(id));
    await refused(account, 'account-closed', () => client.deposit(id, 1));

    expect(account.version).toBe(7);
    const expected = account.streamAfter(0);
    expect(framesOf(await live.waitForMessages(expected.length))).toEqual(expected);
    // Whatever arrived after the last change is a repeat.
    await expectReadBack(account);
    expect(framesOf(live.messages)).toEqual(expected);
  });

  it('streams an account subscribed to right after its 201, before the projector has it: from its opening on', async () => {
    const opened = await client.open({ owner: 'Katherine Johnson', currency: 'EUR', initialDeposit: 700 });
    expect(opened.status).toBe(201);
    const { accountId } = opened.body;

    // Last-Event-ID 0: without it a stream that did not have to wait (the projector was quick) starts after
    // the current version, and the opening would never be sent.
    const stream = await SseClient.connect(client.streamUrl(accountId), { ...client.streamHeaders(), 'last-event-id': '0' });
    streams.push(stream);

    expect(stream.status).toBe(200);
    const [first] = await stream.waitForMessages(1);
    expect(first).toMatchObject({ id: '1', event: 'AccountOpened', data: { version: 1, balance: 700, status: 'ACTIVE' } });
  });

  it('resumes a stream from Last-Event-ID with what followed, then live, with no gap and no repeat', async () => {
    const account = await open('Grace Hopper', 100);
    const id = account.accountId;
    const first = await follow(id, 0);
    await accepted(account, { type: 'MoneyDeposited', amount: 1 }, () => client.deposit(id, 1));
    await accepted(account, { type: 'MoneyDeposited', amount: 2 }, () => client.deposit(id, 2));
    expect((await first.waitForMessages(3)).map((m) => m.id)).toEqual(['1', '2', '3']);
    first.close();

    // Missed while disconnected.
    await accepted(account, { type: 'MoneyDeposited', amount: 3 }, () => client.deposit(id, 3));
    await accepted(account, { type: 'MoneyWithdrawn', amount: 4 }, () => client.withdraw(id, 4));
    const resumed = await follow(id, 3);
    expect(framesOf(await resumed.waitForMessages(2))).toEqual(account.streamAfter(3));

    await accepted(account, { type: 'MoneyDeposited', amount: 5 }, () => client.deposit(id, 5));
    const expected = account.streamAfter(3);
    expect(framesOf(await resumed.waitForMessages(expected.length))).toEqual(expected);
    expect(resumed.versions()).toEqual([4, 5, 6]);
  });

  it('accepts concurrent writers on one account: each write gets its own version, none is lost', async () => {
    const account = await open('Edsger Dijkstra', 0);
    const writers = 8;
    const replies = await Promise.all(Array.from({ length: writers }, (_, i) => client.deposit(account.accountId, 100 + i)));
    expect(replies.map((r) => r.status)).toEqual(Array(writers).fill(201));
    expect(replies.map((r) => r.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: writers }, (_, i) => i + 2));

    const read = await client.account(account.accountId, writers + 1);
    expect(read.status).toBe(200);
    const total = replies.reduce((sum, r, i) => (r.status === 201 ? sum + 100 + i : sum), 0);
    expect(read.body).toMatchObject({
      balance: total,
      version: writers + 1,
      summary: { totalDeposited: total, transactionCount: writers },
    });
    const history = await client.transactions(account.accountId);
    expect(history.body.items.map((item) => item.version)).toEqual(Array.from({ length: writers + 1 }, (_, i) => writers + 1 - i));
  });

  it(
    'converges 50 accounts x 10 commands sent concurrently to the expected balances, by id and by owner',
    async () => {
      // As an operator, a trusted service's traffic: customers are rate limited well below this burst.
      const accounts = 50;
      const commandsEach = 10;
      const owner = 'Many Accounts Ltd';
      const opened = await Promise.all(
        Array.from({ length: accounts }, () => operator.open({ owner, currency: 'EUR', initialDeposit: 1_000 })),
      );
      expect(opened.map((r) => r.status)).toEqual(Array(accounts).fill(201));

      // Deposits and withdrawals that never overdraw, in a different mix per account; accounts run concurrently.
      const expected = await Promise.all(
        opened.map(async ({ body: { accountId } }, a) => {
          let balance = 1_000;
          let deposited = 1_000;
          let withdrawn = 0;
          for (let c = 0; c < commandsEach; c++) {
            const amount = 10 * (a + 1) + c;
            const withdraw = (a + c) % 3 === 0;
            const reply = withdraw ? await operator.withdraw(accountId, amount) : await operator.deposit(accountId, amount);
            expect([reply.status, reply.body.version]).toEqual([201, c + 2]);
            balance += withdraw ? -amount : amount;
            if (withdraw) withdrawn += amount;
            else deposited += amount;
            expect(reply.body.balance).toBe(balance);
          }
          return { accountId, balance, deposited, withdrawn };
        }),
      );

      const reads = await Promise.all(expected.map((e) => operator.account(e.accountId, commandsEach + 1)));
      expect(reads.map((r) => r.status)).toEqual(Array(accounts).fill(200));
      expect(reads.map((r) => r.body)).toEqual(
        expected.map((e) =>
          expect.objectContaining({
            accountId: e.accountId,
            owner,
            balance: e.balance,
            status: 'ACTIVE',
            version: commandsEach + 1,
            summary: expect.objectContaining({
              totalDeposited: e.deposited,
              totalWithdrawn: e.withdrawn,
              transactionCount: commandsEach + 1,
            }),
          }),
        ),
      );

      const listed = await operator.accountsOf(owner);
      expect(listed.status).toBe(200);
      expect(listed.body.nextCursor).toBeUndefined();
      const byId = (x: { accountId: string }, y: { accountId: string }) => x.accountId.localeCompare(y.accountId);
      expect([...listed.body.items].sort(byId)).toEqual(reads.map((r) => r.body).sort(byId));
    },
    MANY_ACCOUNTS_TIMEOUT_MS,
  );

  it("shows a customer's account to its owner and operators only: anyone else gets 404 account-not-found everywhere, and changes nothing", async () => {
    const account = await open('Barbara Liskov', 700);
    const id = account.accountId;
    const stranger = client.as(await mintToken({ sub: 'system-e2e-stranger', scope: 'ledger:read ledger:write' }));
    const notFound = (reply: Reply<unknown>) => {
      expect(reply.status).toBe(404);
      expect(reply.contentType).toMatch(PROBLEM_JSON);
      expect(reply.body).toMatchObject({ type: problemType('account-not-found'), status: 404 });
    };

    notFound(await stranger.read(id));
    notFound(await stranger.transactions(id));
    notFound(await stranger.deposit(id, 1));
    notFound(await stranger.withdraw(id, 1));
    notFound(await stranger.close(id));
    const stream = await connect(stranger, id, 0);
    expect(stream.status).toBe(404);
    expect((await stranger.ownAccounts()).body).toEqual({ items: [] });

    const own = await client.ownAccounts();
    expect(own.status).toBe(200);
    expect(own.body.items.map((item) => item.accountId)).toContain(id);
    const asOperator = await operator.read(id);
    expect(asOperator.status).toBe(200);
    expect(asOperator.body).toEqual(account.body());
    // Nothing the stranger sent reached the account.
    await expectReadBack(account);
  });
}
