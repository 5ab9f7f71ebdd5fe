import type { ClientBase, Pool } from 'pg';
import { assertLimit } from './dead-letters.reader';
import { LIST_PARKED_ACCOUNTS, LIST_PARKED_TRANSFERS } from './operations.sql';

export interface ParkedAccountSummary {
  readonly accountId: string;
  readonly reason: string;
  /** The dead letter the account waits behind. */
  readonly deadLetterId: string;
  /** Later messages of the account, held in arrival order. */
  readonly heldEvents: number;
  readonly parkedAt: Date;
  /** The read model's version of the account; 0 when it has no row yet. */
  readonly version: number;
}

interface ParkedAccountRow {
  readonly account_id: string;
  readonly reason: string;
  readonly dead_letter_id: string;
  readonly parked_at: Date;
  readonly held_events: number;
  readonly version: string | null;
}

/** Parked accounts, longest parked first. */
export async function listParkedAccounts(db: Pool | ClientBase, options: { readonly limit: number }): Promise<ParkedAccountSummary[]> {
  assertLimit(options.limit);
  const { rows } = await db.query<ParkedAccountRow>(LIST_PARKED_ACCOUNTS, [options.limit]);
  return rows.map((row) => ({
    accountId: row.account_id,
    reason: row.reason,
    deadLetterId: row.dead_letter_id,
    heldEvents: row.held_events,
    parkedAt: row.parked_at,
    version: row.version === null ? 0 : Number(row.version),
  }));
}

export interface ParkedTransferSummary {
  readonly transferId: string;
  readonly reason: string;
  readonly deadLetterId: string;
  readonly heldEvents: number;
  readonly parkedAt: Date;
  /** The read model's version of the transfer's stream; 0 when it has no row yet. */
  readonly version: number;
}

/** Parked transfers' streams, longest parked first. */
export async function listParkedTransfers(db: Pool | ClientBase, options: { readonly limit: number }): Promise<ParkedTransferSummary[]> {
  assertLimit(options.limit);
  const { rows } = await db.query<Omit<ParkedAccountRow, 'account_id'> & { readonly transfer_id: string }>(LIST_PARKED_TRANSFERS, [
    options.limit,
  ]);
  return rows.map((row) => ({
    transferId: row.transfer_id,
    reason: row.reason,
    deadLetterId: row.dead_letter_id,
    heldEvents: row.held_events,
    parkedAt: row.parked_at,
    version: row.version === null ? 0 : Number(row.version),
  }));
}
