import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, PostgresPoolModule } from '@ledger/platform';
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
    };
  }
}
