import type { ClientBase, Pool } from 'pg';

export interface ParkingStats {
  readonly parkedAccounts: number;
  /** Transfers whose own stream is parked. */
  readonly parkedTransfers: number;
  /** Events held behind parked accounts and transfers, waiting for an operator. */
  readonly heldEvents: number;
}

const COUNT_PARKING = `
  SELECT (SELECT count(*) FROM read_model.parked_accounts)::int AS parked_accounts,
         (SELECT count(*) FROM read_model.parked_transfers)::int AS parked_transfers,
         ((SELECT count(*) FROM read_model.parked_events) + (SELECT count(*) FROM read_model.parked_transfer_events))::int AS held_events`;

export async function parkingStats(db: Pool | ClientBase): Promise<ParkingStats> {
  const { rows } = await db.query<{ parked_accounts: number; parked_transfers: number; held_events: number }>(COUNT_PARKING);
  return {
    parkedAccounts: rows[0]?.parked_accounts ?? 0,
    parkedTransfers: rows[0]?.parked_transfers ?? 0,
    heldEvents: rows[0]?.held_events ?? 0,
  };
}
