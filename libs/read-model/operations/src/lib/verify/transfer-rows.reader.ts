import type { TransferStatus } from '@ledger/domain';
import type { TransferLegRow, TransferLegType } from '@ledger/read-model-schema';
import type { ClientBase } from 'pg';
import type { TransferRowView, TransferStateRowView } from './expected-transfer.fold';

/** `read_model.transfer_legs`: which account applied which leg of a transfer, at which of its versions. */
export type TransferLegRowView = TransferLegRow;

const NIL = '00000000-0000-0000-0000-000000000000';

// Keyset pages over the primary keys; ORDER BY qualified so that it sorts by the columns, not the text aliases.
const TRANSFERS_PAGE = `
  SELECT t.transfer_id::text AS transfer_id, t.from_account_id::text AS from_account_id, t.to_account_id::text AS to_account_id,
         t.amount::text AS amount, t.currency, t.reference, t.created_at, t.expires_at, t.version::text AS version
    FROM read_model.transfers t
   WHERE t.transfer_id > $1::uuid
   ORDER BY t.transfer_id
   LIMIT $2::int`;

const STATES_PAGE = `
  SELECT s.transfer_id::text AS transfer_id, s.version::text AS version, s.status, s.posted_amount::text AS posted_amount, s.updated_at
    FROM read_model.transfer_states s
   WHERE (s.transfer_id, s.version) > ($1::uuid, $2::bigint)
   ORDER BY s.transfer_id, s.version
   LIMIT $3::int`;

const LEGS_PAGE = `
  SELECT l.transfer_id::text AS transfer_id, l.leg, l.account_id::text AS account_id, l.account_version::text AS account_version
    FROM read_model.transfer_legs l
   WHERE (l.transfer_id, l.leg) > ($1::uuid, $2::text)
   ORDER BY l.transfer_id, l.leg
   LIMIT $3::int`;

interface TransferTableRow {
  readonly transfer_id: string;
  readonly from_account_id: string;
  readonly to_account_id: string;
  readonly amount: string;
  readonly currency: string;
  readonly reference: string | null;
  readonly created_at: Date;
  readonly expires_at: Date | null;
  readonly version: string;
}

interface StateTableRow {
  readonly transfer_id: string;
  readonly version: string;
  readonly status: TransferStatus;
  readonly posted_amount: string;
  readonly updated_at: Date;
}

interface LegTableRow {
  readonly transfer_id: string;
  readonly leg: TransferLegType;
  readonly account_id: string;
  readonly account_version: string;
}

/** Every transfer row, in transfer id order, a page at a time (inside one REPEATABLE READ transaction). */
export async function* transfersInIdOrder(session: ClientBase, batchSize: number): AsyncGenerator<TransferRowView> {
  let after = NIL;
  for (;;) {
    const { rows } = await session.query<TransferTableRow>(TRANSFERS_PAGE, [after, batchSize]);
    for (const row of rows) {
      yield {
        transferId: row.transfer_id,
        fromAccountId: row.from_account_id,
        toAccountId: row.to_account_id,
        amount: BigInt(row.amount),
        currency: row.currency,
        reference: row.reference,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        version: Number(row.version),
      };
    }
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < batchSize) return;
    after = last.transfer_id;
  }
}

/** Every transfer state, by transfer id then version. */
export async function* transferStatesInIdOrder(session: ClientBase, batchSize: number): AsyncGenerator<TransferStateRowView> {
  let after: [string, string] = [NIL, '0'];
  for (;;) {
    const { rows } = await session.query<StateTableRow>(STATES_PAGE, [...after, batchSize]);
    for (const row of rows) {
      yield {
        transferId: row.transfer_id,
        version: Number(row.version),
        status: row.status,
        postedAmount: BigInt(row.posted_amount),
        updatedAt: row.updated_at,
      };
    }
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < batchSize) return;
    after = [last.transfer_id, last.version];
  }
}

/** Every applied leg, by transfer id then leg. */
export async function* transferLegsInIdOrder(session: ClientBase, batchSize: number): AsyncGenerator<TransferLegRowView> {
  let after: [string, string] = [NIL, ''];
  for (;;) {
    const { rows } = await session.query<LegTableRow>(LEGS_PAGE, [...after, batchSize]);
    for (const row of rows) {
      yield { transferId: row.transfer_id, leg: row.leg, accountId: row.account_id, accountVersion: Number(row.account_version) };
    }
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < batchSize) return;
    after = [last.transfer_id, last.leg];
  }
}
