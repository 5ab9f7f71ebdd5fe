export * from './lib/plan/account-view';
export * from './lib/plan/transfer-view';
export * from './lib/plan/projection-input';
export * from './lib/plan/batch-plan';
export {
  LIVE_TABLES,
  LOCK_PARKED_TRANSFERS_UPDATE,
  LOCK_PARKED_UPDATE,
  lockAccounts,
  lockTransfers,
  transferTables,
  type ReadModelTables,
} from './lib/writer/projection.sql';
export { DELETE_HELD_MESSAGES, RESOLVE_DEAD_LETTER, SELECT_DEAD_LETTER_MESSAGE } from './lib/parking/parking.sql';
export * from './lib/writer/projection.writer';
export * from './lib/announce/change.announcer';
export * from './lib/parking/parked-replay';
export * from './lib/parking/parking.stats';
export * from './lib/dead-letters/dead-letter.outbox';
export * from './lib/processed-events/processed-events.pruning';
