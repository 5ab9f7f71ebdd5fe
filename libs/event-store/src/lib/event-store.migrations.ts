import { MigrationInterface } from 'typeorm';
import { CreateEventStore1767225600000 } from './migrations/1767225600000-create-event-store.migration';
import { IdempotencyResult1795824000000 } from './migrations/1795824000000-idempotency-result.migration';
import { RelayCheckpointDestination1795827600000 } from './migrations/1795827600000-relay-checkpoint-destination.migration';
import { IdempotencyKeyScope1795831200000 } from './migrations/1795831200000-idempotency-key-scope.migration';
import { EventStoreRoles1796000000000 } from './migrations/1796000000000-event-store-roles.migration';
import { IdempotencyOutcome1796200000000 } from './migrations/1796200000000-idempotency-outcome.migration';
import { StreamDeadlines1796400000000 } from './migrations/1796400000000-stream-deadlines.migration';

/**
 * TypeORM's migrations table for the event store. It lives in `public`, not in `event_store`:
 * TypeORM creates its table before running the first migration, so the schema would not exist yet,
 * and a `down` that drops the schema would take the bookkeeping table with it.
 */
export const EVENT_STORE_MIGRATIONS_TABLE = 'public.event_store_migrations';

/** In order; pass to a TypeORM DataSource with `migrationsTableName: EVENT_STORE_MIGRATIONS_TABLE`. */
export const eventStoreMigrations: readonly (new () => MigrationInterface)[] = [
  CreateEventStore1767225600000,
  IdempotencyResult1795824000000,
  RelayCheckpointDestination1795827600000,
  IdempotencyKeyScope1795831200000,
  EventStoreRoles1796000000000,
  IdempotencyOutcome1796200000000,
  StreamDeadlines1796400000000,
];
