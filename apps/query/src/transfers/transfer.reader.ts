import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TransferStatus } from '@ledger/domain';
import type { TransferStateRow } from '@ledger/read-model-schema';

/** A transfer's terms, every state of its stream the read model holds, and which legs its accounts have applied. */
export interface TransferRecord {
  readonly transferId: string;
  readonly fromAccountId: string;
  readonly toAccountId: string;
  /** bigint as a decimal string (exact). */
  readonly amount: string;
  readonly currency: string;
  readonly reference: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  /** The owners of either side as the read model holds them; null: no owner, or not in the read model (yet). */
  readonly fromOwnerId: string | null;
  readonly toOwnerId: string | null;
  readonly states: readonly TransferStateRow[];
  readonly appliedLegs: ReadonlySet<string>;
}

/** What is known of a transfer before its own stream reached the read model: the accounts of the legs applied so far. */
export interface TransferTrace {
  readonly transfer: TransferRecord | null;
  readonly legAccountIds: readonly string[];
}

interface TransferTableRow {
  readonly transfer_id: string | null;
  readonly from_account_id: string | null;
  readonly to_account_id: string | null;
  readonly amount: string | null;
  readonly currency: string | null;
  readonly reference: string | null;
  readonly created_at: Date | null;
  readonly expires_at: Date | null;
  readonly from_owner_id: string | null;
  readonly to_owner_id: string | null;
  readonly states: readonly { version: string; status: TransferStatus; posted_amount: string; updated_at: string }[];
  readonly legs: readonly { leg: string; account_id: string }[];
}

/**
 * One statement reads the terms, the states and the legs together, so they come from one snapshot.
 * The legs are read even without a transfer row: they may reach the read model first. Timestamps of
 * the states travel as text with microseconds; a Date keeps milliseconds, as everywhere in this API.
 */
const READ_TRANSFER = `
  SELECT t.transfer_id::text AS transfer_id, t.from_account_id::text AS from_account_id, t.to_account_id::text AS to_account_id,
         t.amount::text AS amount, t.currency, t.reference, t.created_at, t.expires_at,
         fa.owner_id AS from_owner_id, ta.owner_id AS to_owner_id,
         coalesce((SELECT json_agg(json_build_object('version', s.version::text, 'status', s.status,
                                                     'posted_amount', s.posted_amount::text, 'updated_at', s.updated_at))
                     FROM read_model.transfer_states s WHERE s.transfer_id = $1::uuid), '[]'::json) AS states,
         coalesce((SELECT json_agg(json_build_object('leg', l.leg, 'account_id', l.account_id::text))
                     FROM read_model.transfer_legs l WHERE l.transfer_id = $1::uuid), '[]'::json) AS legs
    FROM (SELECT 1) AS one
    LEFT JOIN read_model.transfers t ON t.transfer_id = $1::uuid
    LEFT JOIN read_model.accounts fa ON fa.account_id = t.from_account_id
    LEFT JOIN read_model.accounts ta ON ta.account_id = t.to_account_id`;

@Injectable()
export class TransferReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async trace(transferId: string): Promise<TransferTrace> {
    const rows: TransferTableRow[] = await this.dataSource.query(READ_TRANSFER, [transferId]);
    const [row] = rows;
    if (row === undefined) throw new Error('the transfer read returned no row');
    const legAccountIds = [...new Set(row.legs.map((leg) => leg.account_id))];
    return { transfer: transferFromRow(row), legAccountIds };
  }
}

function transferFromRow(row: TransferTableRow): TransferRecord | null {
  const { transfer_id, from_account_id, to_account_id, amount, currency, created_at } = row;
  if (
    transfer_id === null ||
    from_account_id === null ||
    to_account_id === null ||
    amount === null ||
    currency === null ||
    created_at === null
  ) {
    return null;
  }
  return {
    transferId: transfer_id,
    fromAccountId: from_account_id,
    toAccountId: to_account_id,
    amount,
    currency,
    reference: row.reference,
    createdAt: created_at,
    expiresAt: row.expires_at,
    fromOwnerId: row.from_owner_id,
    toOwnerId: row.to_owner_id,
    states: row.states.map((state) => ({
      version: Number(state.version),
      status: state.status,
      postedAmount: BigInt(state.posted_amount),
      updatedAt: new Date(state.updated_at),
    })),
    appliedLegs: new Set(row.legs.map((leg) => leg.leg)),
  };
}
