export * from './lib/read-model.migrations';
export * from './lib/read-model.notifications';
export * from './lib/entities/account.entity';
export * from './lib/entities/account-transaction.entity';
export * from './lib/projection/account-view';
export * from './lib/projection/projection-input';
export * from './lib/projection/batch-plan';
export { LIVE_TABLES, PRUNE_PROCESSED_EVENTS, type ReadModelTables } from './lib/projection/projection.sql';
export * from './lib/projection/projection.writer';
