import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, PostgresPoolModule } from '@ledger/platform';
import { QueryConfig } from './query.config';

@Module({})
export class AppModule {
  static register(config: QueryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ serviceName: 'query', config }),
        PostgresPoolModule.forRoot({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'query' }),
      ],
    };
  }
}
