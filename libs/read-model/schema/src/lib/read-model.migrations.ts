import { MigrationInterface } from 'typeorm';
import { CreateReadModelSchema1767225600100 } from './migrations/1767225600100-create-read-model-schema.migration';
import { CreateReadModelTables1767225600200 } from './migrations/1767225600200-create-read-model-tables.migration';
import { MessageDigestKeys1795831200000 } from './migrations/1795831200000-message-digest-keys.migration';
import { ReadModelRoles1796000000100 } from './migrations/1796000000100-read-model-roles.migration';
import { AccountOwnerId1796100000000 } from './migrations/1796100000000-account-owner-id.migration';
import { Transfers1796300000000 } from './migrations/1796300000000-transfers.migration';
import { ParkedTransfers1796300000100 } from './migrations/1796300000100-parked-transfers.migration';

/** Kept in `public` for the same reason as the event store's: TypeORM creates it before the schema exists. */
export const READ_MODEL_MIGRATIONS_TABLE = 'public.read_model_migrations';

export const readModelMigrations: readonly (new () => MigrationInterface)[] = [
  CreateReadModelSchema1767225600100,
  CreateReadModelTables1767225600200,
  MessageDigestKeys1795831200000,
  ReadModelRoles1796000000100,
  AccountOwnerId1796100000000,
  Transfers1796300000000,
  ParkedTransfers1796300000100,
];
