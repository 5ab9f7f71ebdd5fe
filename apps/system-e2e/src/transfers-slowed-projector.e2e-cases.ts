import { eventually } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import type { LedgerHttpClient, Reply, TransferBody } from './support/ledger-http.client';
import type { LedgerSystem } from './support/ledger-system.harness';
import { ProcessBrake } from './support/process-brake';
import { accountAt, expectTransferNotFound, latestItem, openAccount, PATIENCE_MS, transferIn } from './support/transfer-reads';

/** Transfers sent while the projector is stopped: their debits, credits and own streams spread over most partitions. */
const TRANSFERS = 8;
const OPENING = 1_000;
const AMOUNT = 300;
/**
 * The projector of the slowed window: one partition at a time, one event per transaction (its own
 * settings, validated as any), so a transfer's debit, credit and own stream commit one by one.
 */
const ONE_EVENT_AT_A_TIME = { PROJECTOR_PARTITIONS_CONCURRENTLY: '1', PROJECTOR_BATCH_SIZE: '1' };
/**
 * How much longer the projector runs in each round than in the one before: the first slices are a
 * fraction of what applying the backlog takes, so a stop falls between the commits of one transfer's
 * events and the read model stays there while it is read; the longer ones that follow get a starved
 * machine through the backlog all the same.
 */
const SLICE_STEP_MS = 10;
/** The reads that span a slice wait this long: the projector's NOTIFY during the slice wakes them. */
const SPANNING_WAIT_MS = 250;
const SLOWED_TIMEOUT_MS = 180_000;

interface SentTransfer {
  readonly transferId: string;
  readonly fromAccountId: string;
  readonly toAccountId: string;
}

/**
 * What GET /transfers/{id} may answer while the projector lags: the transfer whole, or nothing of it.
 * The system's projector is replaced by a slower one for good (restarting it costs seconds): these
 * cases run last.
 */
export function slowedProjectorCases(system: LedgerSystem): void {
  /** Reads only, and many: as an operator, whom the services do not rate limit. */
  let operator: LedgerHttpClient;

  beforeAll(() => {
    operator = system.operator;
  });

  async function openPair(index: number): Promise<Omit<SentTransfer, 'transferId'>> {
    const [fromAccountId, toAccountId] = await Promise.all([
      openAccount(system.client, `Slowed payer ${index}`, OPENING),
      openAccount(system.client, `Slowed payee ${index}`, 0),
    ]);
    // Projected before the projector is slowed: its slices are for the transfers alone.
    await accountAt(operator, fromAccountId, 1);
    await accountAt(operator, toAccountId, 1);
    return { fromAccountId, toAccountId };
  }

  async function send(pair: Omit<SentTransfer, 'transferId'>): Promise<SentTransfer> {
    const transferId = randomUUID();
    const sent = await system.client.transfer({ transferId, ...pair, amount: AMOUNT, currency: 'EUR' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'completed', from: { version: 2, balance: OPENING - AMOUNT }, to: { version: 2 } });
    return { transferId, ...pair };
  }

  /** The leg of `transferId` in the account's history, and the account as the query service shows it. */
  async function legIn(accountId: string, transferId: string) {
    const [account, history] = await Promise.all([operator.read(accountId), operator.transactions(accountId)]);
    expect([account.status, history.status]).toEqual([200, 200]);
    const leg = history.body.items.find((item) => item.transferId === transferId);
    return { balance: account.body.balance, version: account.body.version, leg: leg && { type: leg.type, amount: leg.amount } };
  }

  /**
   * Every answer about `transfer` is 404 (no whole state yet) or the transfer completed; once one says
   * completed, the accounts must show both legs (legs are never taken back, so what is missing now was
   * missing when that answer was given). Whether an answer said completed.
   */
  async function expectWholeOrNothing(transfer: SentTransfer, answers: readonly Reply<TransferBody>[]): Promise<boolean> {
    for (const answer of answers) {
      if (answer.status === 404) expectTransferNotFound(answer);
      else expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 200, body: completed(transfer) });
    }
    if (!answers.some((answer) => answer.status === 200)) return false;
    expect(await legIn(transfer.fromAccountId, transfer.transferId)).toEqual({
      balance: OPENING - AMOUNT,
      version: 2,
      leg: { type: 'TransferDebited', amount: AMOUNT },
    });
    expect(await legIn(transfer.toAccountId, transfer.transferId)).toEqual({
      balance: AMOUNT,
      version: 2,
      leg: { type: 'TransferCredited', amount: AMOUNT },
    });
    return true;
  }

  it(
    'never answers a transfer half done, at once or after ?waitMs=, while the projector runs in short slices between stops',
    async () => {
      const pairs = await Promise.all(Array.from({ length: TRANSFERS }, (_, index) => openPair(index)));
      const projector = new ProcessBrake((await system.pipeline.restart('projector', ONE_EVENT_AT_A_TIME)).process, 'projector');
      let transfers: SentTransfer[] = [];
      let lastRound: string[] = [];
      projector.stop();
      try {
        transfers = await Promise.all(pairs.map(send));
        // Stopped before any of their events: nothing of them shows.
        for (const { transferId } of transfers) expectTransferNotFound(await operator.readTransfer(transferId));

        // Each round: reads that wait across one slice of the projector's time, then reads of the read
        // model where the slice left it; until every transfer answers completed at once.
        let sliceMs = 0;
        await eventually(
          async () => {
            const spanning = Promise.all(transfers.map(({ transferId }) => operator.readTransfer(transferId, SPANNING_WAIT_MS)));
            sliceMs += SLICE_STEP_MS;
            await projector.runFor(sliceMs);
            const waited = await spanning;
            const now = await Promise.all(transfers.map(({ transferId }) => operator.readTransfer(transferId)));
            const whole = await Promise.all(transfers.map((transfer, i) => expectWholeOrNothing(transfer, [waited[i], now[i]])));
            lastRound = now.map((answer) => String(answer.status));
            return now.every((answer) => answer.status === 200) && whole.every(Boolean);
          },
          PATIENCE_MS,
          'every transfer completed while the projector runs in slices',
          () => lastRound,
          0,
        );
      } finally {
        projector.release();
      }

      for (const transfer of transfers) {
        expect(await transferIn(operator, transfer.transferId, 'completed')).toEqual({
          ...completed(transfer),
          currency: 'EUR',
          reference: null,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
          expiresAt: null,
        });
        expect(await accountAt(operator, transfer.fromAccountId, 2)).toMatchObject({ balance: OPENING - AMOUNT, version: 2 });
        expect(await latestItem(operator, transfer.fromAccountId)).toMatchObject({
          type: 'TransferDebited',
          transferId: transfer.transferId,
        });
        expect(await accountAt(operator, transfer.toAccountId, 2)).toMatchObject({ balance: AMOUNT, version: 2 });
        expect(await latestItem(operator, transfer.toAccountId)).toMatchObject({
          type: 'TransferCredited',
          transferId: transfer.transferId,
        });
      }
    },
    SLOWED_TIMEOUT_MS,
  );
}

function completed({ transferId, fromAccountId, toAccountId }: SentTransfer) {
  return { transferId, status: 'completed', amount: AMOUNT, postedAmount: AMOUNT, fromAccountId, toAccountId };
}
