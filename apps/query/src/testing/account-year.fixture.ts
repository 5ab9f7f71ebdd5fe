import type { Pool } from 'pg';
import { SeededAccount, seedTransfer } from './transfer-ledger.fixture';

/** `2026-03-01T<hh>:00:00.000Z`. */
export const hour = (hh: number): string => `2026-03-01T${String(hh).padStart(2, '0')}:00:00.000Z`;

/** A reason a CSV must quote: a comma, double quotes and a line break. */
export const AWKWARD_REASON = 'court order, "urgent"\nsee file';

export interface AccountDay {
  readonly account: SeededAccount;
  readonly counterparty: SeededAccount;
  readonly immediate: string;
  readonly hold: string;
  readonly incoming: string;
  readonly lastHold: string;
}

/**
 * One day of an account, an event an hour from 10:00 (version n at 09:00 + n h):
 *
 * | v  | at    | type             | amount | balance | reserved |
 * |----|-------|------------------|--------|---------|----------|
 * | 1  | 10:00 | AccountOpened    | 1000   | 1000    | 0        |
 * | 2  | 11:00 | MoneyDeposited   | 500    | 1500    | 0        |
 * | 3  | 12:00 | TransferDebited  | 200    | 1300    | 0        |
 * | 4  | 13:00 | HoldPlaced       | 300    | 1300    | 300      |
 * | 5  | 14:00 | AccountFrozen    |        | 1300    | 300      |
 * | 6  | 15:00 | AccountUnfrozen  |        | 1300    | 300      |
 * | 7  | 16:00 | HoldPosted       | 250    | 1050    | 0        |
 * | 8  | 17:00 | TransferCredited | 75     | 1125    | 0        |
 * | 9  | 18:00 | MoneyWithdrawn   | 25     | 1100    | 0        |
 * | 10 | 19:00 | HoldPlaced       | 100    | 1100    | 100      |
 */
export async function seedAccountDay(pool: Pool, ownerId: string, counterpartyOwnerId: string): Promise<AccountDay> {
  const account = await SeededAccount.open(pool, { ownerId, at: hour(10), deposit: 1_000n });
  const counterparty = await SeededAccount.open(pool, { ownerId: counterpartyOwnerId, at: hour(9), deposit: 5_000n });
  const from = account.accountId;
  const to = counterparty.accountId;
  const immediate = await seedTransfer(pool, { from, to, amount: 200n, createdAt: hour(12) });
  const hold = await seedTransfer(pool, { from, to, amount: 300n, createdAt: hour(13), expiresAt: hour(23) });
  const incoming = await seedTransfer(pool, { from: to, to: from, amount: 75n, createdAt: hour(17) });
  const lastHold = await seedTransfer(pool, { from, to, amount: 100n, createdAt: hour(19), expiresAt: hour(23) });
  const leg = (transferId: string, counterpartyAccountId: string) => ({ transferId, counterpartyAccountId });
  await account.apply({ type: 'MoneyDeposited', at: hour(11), amount: 500n, balanceChange: 500n });
  await account.apply({ type: 'TransferDebited', at: hour(12), amount: 200n, balanceChange: -200n, ...leg(immediate, to) });
  await account.apply({ type: 'HoldPlaced', at: hour(13), amount: 300n, reservedChange: 300n, ...leg(hold, to) });
  await account.apply({ type: 'AccountFrozen', at: hour(14), reason: AWKWARD_REASON, status: 'FROZEN' });
  await account.apply({ type: 'AccountUnfrozen', at: hour(15), status: 'ACTIVE' });
  await account.apply({ type: 'HoldPosted', at: hour(16), amount: 250n, balanceChange: -250n, reservedChange: -300n, ...leg(hold, to) });
  await account.apply({ type: 'TransferCredited', at: hour(17), amount: 75n, balanceChange: 75n, ...leg(incoming, to) });
  await account.apply({ type: 'MoneyWithdrawn', at: hour(18), amount: 25n, balanceChange: -25n });
  await account.apply({ type: 'HoldPlaced', at: hour(19), amount: 100n, reservedChange: 100n, ...leg(lastHold, to) });
  return { account, counterparty, immediate, hold, incoming, lastHold };
}
