import { problemType } from '@ledger/platform';
import { eventually } from '@ledger/testing';
import {
  MAX_WAIT_MS,
  type AccountBody,
  type LedgerHttpClient,
  type Reply,
  type TransactionItem,
  type TransferBody,
} from './ledger-http.client';

/** How long a transfer may take to become whole through four processes on a loaded machine: what shows, not how fast. */
export const PATIENCE_MS = 6 * MAX_WAIT_MS;

const PROBLEM_JSON = /^application\/problem\+json/;

/** Opens an EUR account owned by `as`'s subject; its id. */
export async function openAccount(as: LedgerHttpClient, owner: string, initialDeposit: number): Promise<string> {
  const reply = await as.open({ owner, currency: 'EUR', initialDeposit });
  expect(reply.status).toBe(201);
  return reply.body.accountId;
}

/** The account once the read model has reached `version`. */
export async function accountAt(as: LedgerHttpClient, accountId: string, version: number): Promise<AccountBody> {
  const read = await as.account(accountId, version);
  expect(read.status).toBe(200);
  return read.body;
}

export async function latestItem(as: LedgerHttpClient, accountId: string): Promise<TransactionItem | undefined> {
  const history = await as.transactions(accountId);
  expect(history.status).toBe(200);
  return history.body.items[0];
}

/** Asks with `?waitMs=` until the transfer shows `status` (a loaded pipeline may lag by more than one wait). */
export async function transferIn(as: LedgerHttpClient, transferId: string, status: string): Promise<TransferBody> {
  let last: Reply<TransferBody> | undefined;
  await eventually(
    async () => {
      last = await as.readTransfer(transferId, MAX_WAIT_MS);
      return last.status === 200 && last.body.status === status;
    },
    PATIENCE_MS,
    `transfer ${transferId} ${status}`,
    () => last?.body,
  );
  expect(last?.status).toBe(200);
  return (last as Reply<TransferBody>).body;
}

/** What an unknown transfer, someone else's, or one with no whole state yet answers alike. */
export function expectTransferNotFound(reply: Reply<unknown>): void {
  expect(reply.status).toBe(404);
  expect(reply.contentType).toMatch(PROBLEM_JSON);
  expect(reply.body).toMatchObject({ type: problemType('transfer-not-found'), status: 404 });
}
