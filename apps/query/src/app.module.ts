import { DynamicModule, Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import { AccountEntity, AccountTransactionEntity } from '@ledger/read-model-schema';
import { AuthModule } from '@ledger/auth';
import { accessTokenOptionsOf, HOT_PATH_SESSION_SETTINGS, serviceModule, StrictValidationPipe } from '@ledger/platform';
import { AccountReadsCoalescer } from './accounts/account-reads.coalescer';
import { AccountReader } from './accounts/account.reader';
import { ReadModelPool } from './accounts/read-model.pool';
import { ReadModelReadiness } from './accounts/read-model.readiness';
import { cursorCodecProvider } from './cursors/cursor-codec.provider';
import { GetAccountHandler } from './get-account/get-account.handler';
import { GetBalanceAtHandler } from './get-balance-at/get-balance-at.handler';
import { GetBalanceAtHttpController } from './get-balance-at/get-balance-at.http.controller';
import { GetStatementHandler } from './get-statement/get-statement.handler';
import { GetStatementHttpController } from './get-statement/get-statement.http.controller';
import { GetTransferHandler } from './get-transfer/get-transfer.handler';
import { GetTransferHttpController } from './get-transfer/get-transfer.http.controller';
import { GetAccountHttpController } from './get-account/get-account.http.controller';
import { ReadYourWritesWaiters } from './get-account/read-your-writes.waiters';
import { ListAccountsHandler } from './list-accounts/list-accounts.handler';
import { ListAccountsHttpController } from './list-accounts/list-accounts.http.controller';
import { ListTransactionsHandler } from './list-transactions/list-transactions.handler';
import { ListTransactionsHttpController } from './list-transactions/list-transactions.http.controller';
import { QueryConfig } from './query.config';
import { QueryMetrics } from './query.metrics';
import { ReadModelChangesListener } from './read-model-changes/read-model-changes.listener';
import { StreamAccountHandler } from './stream-account/stream-account.handler';
import { StreamAccountHttpController } from './stream-account/stream-account.http.controller';
import { StreamRegistry } from './stream-account/stream.registry';
import { TransferReader } from './transfers/transfer.reader';

const READ_MODEL_ENTITIES = [AccountEntity, AccountTransactionEntity];

/** Read models only: the schema belongs to the projector's migrations, never to this app. */
function typeOrmOptions(config: QueryConfig): TypeOrmModuleOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    entities: READ_MODEL_ENTITIES,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: 'query',
    extra: {
      keepAlive: true,
      connectionTimeoutMillis: config.QUERY_DATABASE_CONNECTION_TIMEOUT_MS,
      statement_timeout: config.QUERY_STATEMENT_TIMEOUT_MS,
      // The batched account read (an unnest of arrays) was otherwise planned anew on every call.
      options: HOT_PATH_SESSION_SETTINGS,
    },
  };
}

@Module({})
export class AppModule {
  static register(config: QueryConfig): DynamicModule {
    return serviceModule(AppModule, {
      serviceName: 'query',
      config,
      imports: [
        AuthModule.forRoot(accessTokenOptionsOf(config)),
        TypeOrmModule.forRootAsync({ inject: [QueryConfig], useFactory: typeOrmOptions }),
      ],
      controllers: [
        GetAccountHttpController,
        ListTransactionsHttpController,
        ListAccountsHttpController,
        StreamAccountHttpController,
        GetBalanceAtHttpController,
        GetStatementHttpController,
        GetTransferHttpController,
      ],
      providers: [
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        cursorCodecProvider,
        QueryMetrics,
        ReadModelReadiness,
        ReadModelPool,
        AccountReader,
        AccountReadsCoalescer,
        TransferReader,
        ReadModelChangesListener,
        StreamRegistry,
        ReadYourWritesWaiters,
        GetAccountHandler,
        ListTransactionsHandler,
        ListAccountsHandler,
        StreamAccountHandler,
        GetBalanceAtHandler,
        GetStatementHandler,
        GetTransferHandler,
      ],
    });
  }
}
