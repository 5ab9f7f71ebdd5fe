import { DynamicModule, Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { Pool } from 'pg';
import { EVENT_STORE, PostgresEventStore } from '@ledger/event-store';
import { AuthModule } from '@ledger/auth';
import { PG_POOL, accessTokenOptionsOf, serviceModule, StrictValidationPipe } from '@ledger/platform';
import { accountCommandsProvider, accountWriterOptionsProvider } from './accounts/account-commands.provider';
import { CLOCK, ID_GENERATOR, randomIds, systemClock } from './accounts/clock';
import { AppendBatchMetrics } from './accounts/append-batch.metrics';
import { CommandMetrics } from './accounts/command.metrics';
import { CommandObserver } from './accounts/command.observer';
import { CloseHttpController } from './commands/close/close.http.controller';
import { DepositHttpController } from './commands/deposit/deposit.http.controller';
import { FreezeHttpController } from './commands/freeze/freeze.http.controller';
import { OpenAccountHttpController } from './commands/open-account/open-account.http.controller';
import { UnfreezeHttpController } from './commands/unfreeze/unfreeze.http.controller';
import { WithdrawHttpController } from './commands/withdraw/withdraw.http.controller';
import { CommandConfig } from './command.config';
import { AccountCommandEndpoint } from './edge/account-command.endpoint';
import { TransferCommandEndpoint } from './edge/transfer-command.endpoint';
import { IdempotencyKeysPruner } from './idempotency/idempotency-keys.pruner';
import { CreateTransferHttpController } from './transfers/create-transfer/create-transfer.http.controller';
import { PostTransferHttpController } from './transfers/post-transfer/post-transfer.http.controller';
import { HoldExpiryMetrics } from './transfers/expiry/hold-expiry.metrics';
import { holdExpiryWorkerProvider } from './transfers/expiry/hold-expiry.provider';
import { transferCommandsProvider } from './transfers/transfer-commands.provider';
import { VoidTransferHttpController } from './transfers/void-transfer/void-transfer.http.controller';

@Module({})
export class AppModule {
  static register(config: CommandConfig): DynamicModule {
    return serviceModule(AppModule, {
      serviceName: 'command',
      config,
      postgresPool: true,
      imports: [AuthModule.forRoot(accessTokenOptionsOf(config))],
      controllers: [
        OpenAccountHttpController,
        DepositHttpController,
        WithdrawHttpController,
        FreezeHttpController,
        UnfreezeHttpController,
        CloseHttpController,
        CreateTransferHttpController,
        PostTransferHttpController,
        VoidTransferHttpController,
      ],
      providers: [
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        {
          provide: PostgresEventStore,
          inject: [PG_POOL],
          useFactory: (pool: Pool) => new PostgresEventStore(pool),
        },
        { provide: EVENT_STORE, useExisting: PostgresEventStore },
        AppendBatchMetrics,
        { provide: CLOCK, useValue: systemClock },
        { provide: ID_GENERATOR, useValue: randomIds },
        CommandMetrics,
        CommandObserver,
        accountWriterOptionsProvider,
        accountCommandsProvider,
        AccountCommandEndpoint,
        transferCommandsProvider,
        TransferCommandEndpoint,
        IdempotencyKeysPruner,
        HoldExpiryMetrics,
        holdExpiryWorkerProvider,
      ],
    });
  }
}
