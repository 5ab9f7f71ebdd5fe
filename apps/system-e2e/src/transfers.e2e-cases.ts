import { accountPartitioner } from '@ledger/messaging';
import { eventually, mintToken, SseClient, testKafkaBrokers } from '@ledger/testing';
import { Kafka, logLevel } from 'kafkajs';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { LedgerHttpClient } from './support/ledger-http.client';
import type { LedgerSystem } from './support/ledger-system.harness';
import { accountAt, expectTransferNotFound, latestItem, openAccount, PATIENCE_MS, transferIn } from './support/transfer-reads';

const PROBLEM_JSON = /^application\/problem\+json/;
const REPO_ROOT = join(__dirname, '..', '..', '..');
/** Parking a stream through the projector, then healing it with the CLI, spawns several processes. */
const PARKED_TIMEOUT_MS = 180_000;

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Transfers and holds through the four apps: whole on both sides, to either party only, never half done. */
export function transferCases(system: LedgerSystem): void {
  /** Pays from its own accounts. */
  let payer: LedgerHttpClient;
  /** Owns the destinations: someone else than the payer. */
  let payee: LedgerHttpClient;
  let stranger: LedgerHttpClient;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    payer = system.client;
    const [payeeToken, strangerToken] = await Promise.all([
      mintToken({ sub: 'system-e2e-payee', scope: 'ledger:read ledger:write' }),
      mintToken({ sub: 'system-e2e-stranger', scope: 'ledger:read ledger:write' }),
    ]);
    payee = payer.as(payeeToken);
    stranger = payer.as(strangerToken);
  });

  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });

  async function follow(as: LedgerHttpClient, accountId: string): Promise<SseClient> {
    const stream = await SseClient.connect(as.streamUrl(accountId), { ...as.streamHeaders(), 'last-event-id': '0' });
    streams.push(stream);
    expect(stream.status).toBe(200);
    return stream;
  }

  /** `npm run ledger -- <args>` against the run's database, as an operator at a shell runs it. */
  function ledger(args: readonly string[]): Promise<CliRun> {
    return new Promise((resolve) => {
      execFile(
        'npm',
        ['run', '-s', 'ledger', '--', ...args],
        // A clean environment, as a shell has: the test runner's own must not leak in.
        {
          cwd: REPO_ROOT,
          env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', DATABASE_URL: system.databaseUrl, USER: 'system-e2e' },
        },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
      );
    });
  }

  /** One message the projector cannot decode, keyed (and so partitioned) as the account's own events are: it parks the account. */
  async function poison(accountId: string): Promise<void> {
    const kafka = new Kafka({ clientId: 'system-e2e-poison', brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: accountPartitioner });
    await producer.connect();
    try {
      await producer.send({ topic: system.pipeline.topic, messages: [{ key: accountId, value: Buffer.from('{"not": "an envelope"}') }] });
    } finally {
      await producer.disconnect();
    }
  }

  it('shows a transfer and a hold whole on both sides: by id, in each history, on each stream, to either party only', async () => {
    const from = await openAccount(payer, 'Ada Lovelace', 10_000);
    const to = await openAccount(payee, 'Charles Babbage', 0);
    const fromStream = await follow(payer, from);
    const toStream = await follow(payee, to);

    const transferId = randomUUID();
    const sent = await payer.transfer({
      transferId,
      fromAccountId: from,
      toAccountId: to,
      amount: 2_500,
      currency: 'EUR',
      reference: 'Invoice 42',
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toEqual({
      transferId,
      status: 'completed',
      amount: 2_500,
      currency: 'EUR',
      from: { accountId: from, version: 2, balance: 7_500, availableBalance: 7_500 },
      to: { accountId: to, version: 2 },
    });

    expect(await transferIn(payer, transferId, 'completed')).toEqual({
      transferId,
      status: 'completed',
      amount: 2_500,
      postedAmount: 2_500,
      currency: 'EUR',
      fromAccountId: from,
      toAccountId: to,
      reference: 'Invoice 42',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      expiresAt: null,
    });
    expect(await accountAt(payer, from, 2)).toMatchObject({ balance: 7_500, availableBalance: 7_500, reserved: 0, version: 2 });
    expect(await accountAt(payee, to, 2)).toMatchObject({ balance: 2_500, availableBalance: 2_500, reserved: 0, version: 2 });
    expect(await latestItem(payer, from)).toMatchObject({
      version: 2,
      type: 'TransferDebited',
      amount: 2_500,
      balanceAfter: 7_500,
      transferId,
      counterpartyAccountId: to,
    });
    expect(await latestItem(payee, to)).toMatchObject({
      version: 2,
      type: 'TransferCredited',
      amount: 2_500,
      balanceAfter: 2_500,
      transferId,
      counterpartyAccountId: from,
    });
    const [, debited] = await fromStream.waitForMessages(2, PATIENCE_MS);
    expect(debited).toMatchObject({
      id: '2',
      event: 'TransferDebited',
      data: { amount: 2_500, balance: 7_500, transferId, counterpartyAccountId: to },
    });
    const [, credited] = await toStream.waitForMessages(2, PATIENCE_MS);
    expect(credited).toMatchObject({
      id: '2',
      event: 'TransferCredited',
      data: { amount: 2_500, balance: 2_500, transferId, counterpartyAccountId: from },
    });

    // A hold of 3,000: the balance stays, the available balance drops, the destination is untouched.
    const holdId = randomUUID();
    const held = await payer.transfer({
      transferId: holdId,
      fromAccountId: from,
      toAccountId: to,
      amount: 3_000,
      currency: 'EUR',
      pending: { timeoutSeconds: 3_600 },
    });
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({
      transferId: holdId,
      status: 'pending',
      amount: 3_000,
      from: { accountId: from, version: 3, balance: 7_500, availableBalance: 4_500 },
    });
    expect(await accountAt(payer, from, 3)).toMatchObject({ balance: 7_500, availableBalance: 4_500, reserved: 3_000, version: 3 });
    expect(await transferIn(payer, holdId, 'pending')).toMatchObject({
      status: 'pending',
      amount: 3_000,
      postedAmount: 0,
      expiresAt: expect.any(String),
    });

    // Post 1,000 of it: that much moves, the rest is released.
    const posted = await payer.postTransfer(holdId, 1_000);
    expect(posted.status).toBe(201);
    expect(posted.body).toEqual({
      transferId: holdId,
      status: 'posted',
      amount: 3_000,
      currency: 'EUR',
      from: { accountId: from, version: 4, balance: 6_500, availableBalance: 6_500 },
      to: { accountId: to, version: 3 },
    });
    expect(await transferIn(payer, holdId, 'posted')).toMatchObject({
      transferId: holdId,
      status: 'posted',
      amount: 3_000,
      postedAmount: 1_000,
      fromAccountId: from,
      toAccountId: to,
      reference: null,
    });
    expect(await accountAt(payer, from, 4)).toMatchObject({ balance: 6_500, availableBalance: 6_500, reserved: 0, version: 4 });
    expect(await accountAt(payee, to, 3)).toMatchObject({ balance: 3_500, availableBalance: 3_500, reserved: 0, version: 3 });
    expect((await fromStream.waitForMessages(4, PATIENCE_MS)).map((m) => m.event)).toEqual([
      'AccountOpened',
      'TransferDebited',
      'HoldPlaced',
      'HoldPosted',
    ]);
    expect((await toStream.waitForMessages(3, PATIENCE_MS)).map((m) => m.event)).toEqual([
      'AccountOpened',
      'TransferCredited',
      'TransferCredited',
    ]);

    // Either party may read both; anyone else is told what a missing transfer tells; no token, 401.
    expect(await transferIn(payee, transferId, 'completed')).toMatchObject({ transferId, fromAccountId: from, toAccountId: to });
    expect(await transferIn(payee, holdId, 'posted')).toMatchObject({ transferId: holdId, postedAmount: 1_000 });
    expectTransferNotFound(await stranger.readTransfer(transferId));
    expectTransferNotFound(await stranger.readTransfer(holdId, 0));
    const anonymous = await fetch(`${system.pipeline.query.baseUrl}/transfers/${transferId}`, { headers: { connection: 'close' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(PROBLEM_JSON);
  });

  it(
    'never shows a transfer half done while its destination is parked; heal completes it and verify finds money conserved',
    async () => {
      const from = await openAccount(payer, 'Grace Hopper', 5_000);
      const to = await openAccount(payee, 'Alan Turing', 0);
      expect(await accountAt(payee, to, 1)).toMatchObject({ balance: 0, version: 1 });

      await poison(to);
      let parked: CliRun | undefined;
      await eventually(
        async () => {
          parked = await ledger(['parked', '--json']);
          return parked.code === 0 && (JSON.parse(parked.stdout) as Array<{ accountId?: string }>).some((p) => p.accountId === to);
        },
        PATIENCE_MS,
        `account ${to} parked`,
        () => parked,
        500,
      );

      const transferId = randomUUID();
      const sent = await payer.transfer({ transferId, fromAccountId: from, toAccountId: to, amount: 1_200, currency: 'EUR' });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ status: 'completed', from: { version: 2, balance: 3_800 }, to: { accountId: to, version: 2 } });

      // The source's debit shows while the credit is held behind the parked destination.
      expect(await accountAt(payer, from, 2)).toMatchObject({ balance: 3_800, version: 2 });
      expect(await latestItem(payer, from)).toMatchObject({
        version: 2,
        type: 'TransferDebited',
        amount: 1_200,
        transferId,
        counterpartyAccountId: to,
      });
      for (let ask = 0; ask < 5; ask++) {
        expectTransferNotFound(await payer.readTransfer(transferId, 300));
      }
      expect((await payee.read(to)).body).toMatchObject({ balance: 0, version: 1 });

      const healed = await ledger(['heal', to]);
      expect(healed).toMatchObject({ code: 0, stderr: '' });
      expect(healed.stdout).toMatch(new RegExp(`^Healed account ${to} from the event store: 2 events, now at version 2; unparked`));
      const afterHeal = await ledger(['parked', '--json']);
      expect(afterHeal.code).toBe(0);
      expect(JSON.parse(afterHeal.stdout)).toEqual([]);

      expect(await transferIn(payer, transferId, 'completed')).toMatchObject({
        transferId,
        status: 'completed',
        amount: 1_200,
        postedAmount: 1_200,
      });
      expect(await accountAt(payee, to, 2)).toMatchObject({ balance: 1_200, availableBalance: 1_200, version: 2 });
      expect(await latestItem(payee, to)).toMatchObject({
        version: 2,
        type: 'TransferCredited',
        amount: 1_200,
        transferId,
        counterpartyAccountId: from,
      });
      expect(await accountAt(payer, from, 2)).toMatchObject({ balance: 3_800, availableBalance: 3_800, version: 2 });

      const verified = await ledger(['verify', '--json']);
      expect(verified).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(verified.stdout)).toMatchObject({
        action: 'verify',
        consistent: true,
        differences: [],
        summary: {
          currencies: system.client.supply.summary().map(({ currency, deposited, withdrawn }) => ({
            currency,
            deposited: String(deposited),
            withdrawn: String(withdrawn),
            balances: String(deposited - withdrawn),
          })),
        },
      });
    },
    PARKED_TIMEOUT_MS,
  );
}
