import { DynamicModule, Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { Pool } from 'pg';
import { accountEventUpcaster } from '@ledger/domain';
import { EVENT_STORE, PostgresEventStore } from '@ledger/event-store';
import { PG_POOL, PlatformModule, PostgresPoolModule, StrictValidationPipe } from '@ledger/platform';
import { AccountCommandExecutor } from './accounts/account-command.executor';
import { AccountRepository } from './accounts/account.repository';
import { CLOCK, ID_GENERATOR, randomIds, systemClock } from './accounts/clock';
import { CommandMetrics } from './accounts/command.metrics';
import { CloseHttpController } from './commands/close/close.http.controller';
import { CloseHandler } from './commands/close/close.handler';
import { DepositHttpController } from './commands/deposit/deposit.http.controller';
import { DepositHandler } from './commands/deposit/deposit.handler';
import { FreezeHttpController } from './commands/freeze/freeze.http.controller';
import { FreezeHandler } from './commands/freeze/freeze.handler';
import { OpenAccountHttpController } from './commands/open-account/open-account.http.controller';
import { OpenAccountHandler } from './commands/open-account/open-account.handler';
import { UnfreezeHttpController } from './commands/unfreeze/unfreeze.http.controller';
import { UnfreezeHandler } from './commands/unfreeze/unfreeze.handler';
import { WithdrawHttpController } from './commands/withdraw/withdraw.http.controller';
import { WithdrawHandler } from './commands/withdraw/withdraw.handler';
import { CommandConfig } from './command.config';

@Module({})
export class AppModule {
  static register(config: CommandConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ serviceName: 'command', config }),
        PostgresPoolModule.forRoot({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'command' }),
      ],
      controllers: [
        OpenAccountHttpController,
        DepositHttpController,
        WithdrawHttpController,
        FreezeHttpController,
        UnfreezeHttpController,
        CloseHttpController,
      ],
      providers: [
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        {
          provide: EVENT_STORE,
          inject: [PG_POOL],
          useFactory: (pool: Pool) => new PostgresEventStore(pool, { upcast: accountEventUpcaster }),
        },
        { provide: CLOCK, useValue: systemClock },
        { provide: ID_GENERATOR, useValue: randomIds },
        AccountRepository,
        AccountCommandExecutor,
        CommandMetrics,
        OpenAccountHandler,
        DepositHandler,
        WithdrawHandler,
        FreezeHandler,
        UnfreezeHandler,
        CloseHandler,
      ],
    };
  }
}
