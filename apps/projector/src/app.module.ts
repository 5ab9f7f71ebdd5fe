import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, PostgresPoolModule } from '@ledger/platform';
import { KafkaReadiness } from './kafka/kafka-readiness.provider';
import { ProjectorConfig } from './projector.config';

@Module({})
export class AppModule {
  static register(config: ProjectorConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ serviceName: 'projector', config }),
        PostgresPoolModule.forRoot({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'projector' }),
      ],
      providers: [KafkaReadiness],
    };
  }
}
