import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, PostgresPoolModule } from '@ledger/platform';
import { RelayModule } from './relay/relay.module';
import { RelayConfig } from './relay.config';

@Module({})
export class AppModule {
  static register(config: RelayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ serviceName: 'relay', config }),
        PostgresPoolModule.forRoot({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'relay' }),
        RelayModule.register(config),
      ],
    };
  }
}
