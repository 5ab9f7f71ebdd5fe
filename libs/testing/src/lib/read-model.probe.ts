import type { Pool } from 'pg';
import type { AccountHistory } from './account-history.fixture';

/** An account row as the assertions compare it: money as decimal strings, exact. */
export interface AccountSnapshot {
  readonly version: number;
  readonly balance: string;
  readonly status: string;
  readonly total_deposited: string;
  readonly total_withdrawn: string;
  readonly transaction_count: number;
}

const SNAPSHOT_COLUMNS = `version::int AS version, balance::text AS balance, status, total_deposited::text AS total_deposited,
  total_withdrawn::text AS total_withdrawn, transaction_count::int AS transaction_count`;

export async function accountSnapshots(pool: Pool): Promise<Map<string, AccountSnapshot>> {
  const { rows } = await pool.query<AccountSnapshot & { account_id: string }>(
    `SELECT account_id::text AS account_id, ${SNAPSHOT_COLUMNS} FROM read_model.accounts`,
  );
  return new Map(rows.map(({ account_id, ...snapshot }) => [account_id, snapshot]));
}

/** One account's row; undefined when the read model has none. */
export async function accountSnapshot(pool: Pool, accountId: string): Promise<AccountSnapshot | undefined> {
  const { rows } = await pool.query<AccountSnapshot>(`SELECT ${SNAPSHOT_COLUMNS} FROM read_model.accounts WHERE account_id = $1`, [
    accountId,
  ]);
  return rows[0];
}

/** The account row that the fold of `history` up to `version` must give (opened, then deposits only). */
export function expectedAccount(history: AccountHistory, version = history.envelopes.length): AccountSnapshot {
  const balance = history.balanceAt(version).toString();
  return { version, balance, status: 'ACTIVE', total_deposited: balance, total_withdrawn: '0', transaction_count: version };
}

/** Versions of the history rows of one account, ascending. */
export async function historyVersions(pool: Pool, accountId: string): Promise<number[]> {
  const { rows } = await pool.query<{ version: number }>(
    `SELECT version::int AS version FROM read_model.account_transactions WHERE account_id = $1 ORDER BY version`,
    [accountId],
  );
  return rows.map((r) => r.version);
}

/** Every row the projection writes, in a stable order, to compare two states of the read model. */
export async function readModelDump(pool: Pool): Promise<Record<string, unknown[]>> {
  const dump = async (sql: string) => (await pool.query(sql)).rows;
  return {
    accounts: await dump(`SELECT * FROM read_model.accounts ORDER BY account_id`),
    transactions: await dump(`SELECT * FROM read_model.account_transactions ORDER BY account_id, version`),
    processed: await dump(`SELECT projection, event_id FROM read_model.processed_events ORDER BY event_id`),
    deadLetters: await dump(`SELECT id, account_id, version, "offset", error FROM read_model.dead_letters ORDER BY id`),
    parked: await dump(`SELECT account_id, dead_letter_id FROM read_model.parked_accounts ORDER BY account_id`),
    held: await dump(`SELECT id, account_id, "offset" FROM read_model.parked_events ORDER BY id`),
  };
}

/** Messages of all accounts, version by version: each account's events in order, accounts interleaved. */
export function interleaved(histories: readonly AccountHistory[]): ReturnType<AccountHistory['messages']> {
  const longest = Math.max(0, ...histories.map((h) => h.envelopes.length));
  const messages: ReturnType<AccountHistory['messages']> = [];
  for (let version = 1; version <= longest; version++) {
    for (const history of histories) if (version <= history.envelopes.length) messages.push(...history.messages([version]));
  }
  return messages;
}
