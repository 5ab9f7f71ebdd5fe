import type { AccountEventType, TransferStatus } from '@ledger/domain';
import { encodeChangePayloads, READ_MODEL_CHANGED_CHANNEL, type TransferLegType } from '@ledger/read-model-schema';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';

/**
 * Read-model rows of accounts, their histories and transfers, written by plain SQL as the projector
 * would leave them: the query tier's tests choose every row, including the ones a projector has not
 * applied yet (a transfer's missing leg).
 */

interface AccountState {
  readonly accountId: string;
  balance: bigint;
  reserved: bigint;
  version: number;
  status: 'ACTIVE' | 'FROZEN' | 'CLOSED';
}

export interface Movement {
  readonly type: AccountEventType;
  readonly at: string;
  /** Minor units; null for status changes. */
  readonly amount?: bigint;
  readonly balanceChange?: bigint;
  readonly reservedChange?: bigint;
  readonly reason?: string;
  readonly transferId?: string;
  readonly counterpartyAccountId?: string;
  readonly status?: 'ACTIVE' | 'FROZEN' | 'CLOSED';
}

export class SeededAccount {
  private constructor(
    private readonly pool: Pool,
    private readonly state: AccountState,
  ) {}

  get accountId(): string {
    return this.state.accountId;
  }

  get version(): number {
    return this.state.version;
  }

  /** Opens an account (version 1, AccountOpened of `deposit`) owned by `ownerId`. */
  static async open(
    pool: Pool,
    options: { ownerId: string | null; at: string; deposit: bigint; accountId?: string },
  ): Promise<SeededAccount> {
    const accountId = options.accountId ?? randomUUID();
    await pool.query(
      `INSERT INTO read_model.accounts (account_id, owner, owner_id, currency, balance, status, version, opened_at, updated_at)
       VALUES ($1, 'Seeded', $2, 'EUR', $3, 'ACTIVE', 1, $4, $4)`,
      [accountId, options.ownerId, options.deposit.toString(), options.at],
    );
    const account = new SeededAccount(pool, { accountId, balance: options.deposit, reserved: 0n, version: 1, status: 'ACTIVE' });
    await account.insertHistory({ type: 'AccountOpened', at: options.at, amount: options.deposit });
    return account;
  }

  /** Appends one event to the history and moves the account row along; returns its version. */
  async apply(movement: Movement): Promise<number> {
    this.state.version += 1;
    this.state.balance += movement.balanceChange ?? 0n;
    this.state.reserved += movement.reservedChange ?? 0n;
    this.state.status = movement.status ?? this.state.status;
    await this.insertHistory(movement);
    await this.pool.query(
      `UPDATE read_model.accounts SET balance = $2, reserved = $3, version = $4, status = $5, updated_at = $6 WHERE account_id = $1`,
      [this.accountId, this.state.balance.toString(), this.state.reserved.toString(), this.state.version, this.state.status, movement.at],
    );
    return this.state.version;
  }

  private async insertHistory(movement: Movement): Promise<void> {
    await this.pool.query(
      `INSERT INTO read_model.account_transactions
         (account_id, version, event_id, type, amount, balance_after, status_after, reason, occurred_at, correlation_id,
          transfer_id, counterparty_account_id, reserved_after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'seed', $10, $11, $12)`,
      [
        this.accountId,
        this.state.version,
        randomUUID(),
        movement.type,
        movement.amount?.toString() ?? null,
        this.state.balance.toString(),
        this.state.status,
        movement.reason ?? null,
        movement.at,
        movement.transferId ?? null,
        movement.counterpartyAccountId ?? null,
        this.state.reserved.toString(),
      ],
    );
  }
}

export interface SeededTransferTerms {
  readonly transferId?: string;
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  readonly reference?: string | null;
  readonly createdAt: string;
  readonly expiresAt?: string | null;
}

/** A transfer's row: its terms, with no state nor leg yet. */
export async function seedTransfer(pool: Pool, terms: SeededTransferTerms): Promise<string> {
  const transferId = terms.transferId ?? randomUUID();
  await pool.query(
    `INSERT INTO read_model.transfers (transfer_id, from_account_id, to_account_id, amount, currency, reference, created_at, expires_at, version)
     VALUES ($1, $2, $3, $4, 'EUR', $5, $6, $7, 1)`,
    [transferId, terms.from, terms.to, terms.amount.toString(), terms.reference ?? null, terms.createdAt, terms.expiresAt ?? null],
  );
  return transferId;
}

export async function seedTransferState(
  pool: Pool,
  transferId: string,
  state: { version: number; status: TransferStatus; postedAmount: bigint; at: string },
): Promise<void> {
  await pool.query(
    `INSERT INTO read_model.transfer_states (transfer_id, version, status, posted_amount, updated_at) VALUES ($1, $2, $3, $4, $5)`,
    [transferId, state.version, state.status, state.postedAmount.toString(), state.at],
  );
  await pool.query(`UPDATE read_model.transfers SET version = greatest(version, $2) WHERE transfer_id = $1`, [transferId, state.version]);
}

export async function seedTransferLeg(
  pool: Pool,
  transferId: string,
  leg: TransferLegType,
  accountId: string,
  accountVersion: number,
): Promise<void> {
  await pool.query(`INSERT INTO read_model.transfer_legs (transfer_id, leg, account_id, account_version) VALUES ($1, $2, $3, $4)`, [
    transferId,
    leg,
    accountId,
    accountVersion,
  ]);
}

/**
 * What the projector announces when a transfer's stream moves or one of its legs is applied: the
 * transfer's item on the read model's channel, encoded as the projector encodes it.
 */
export async function announceTransfer(pool: Pool, transferId: string): Promise<void> {
  for (const payload of encodeChangePayloads([], [transferId])) {
    await pool.query(`SELECT pg_notify($1, $2)`, [READ_MODEL_CHANGED_CHANNEL, payload]);
  }
}
