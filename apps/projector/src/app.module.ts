import { DynamicModule, Logger, Module } from '@nestjs/common';
import { MetricsRegistry, serviceModule } from '@ledger/platform';
import { ChangeAnnouncer } from '@ledger/read-model-projection';
import { DeadLetterPublisher } from './dead-letters/dead-letter.publisher';
import { PartitionAssignment } from './kafka/partition-assignment';
import { ProjectorKafka } from './kafka/projector-kafka';
import { ProcessedEventsPruner } from './maintenance/processed-events.pruner';
import { ProjectorGaugesSampler } from './maintenance/projector-gauges.sampler';
import { PartitionBatchController } from './projection/partition-batch.kafka.controller';
import { ProjectorMetrics } from './projection/projector.metrics';
import { ProjectorConfig } from './projector.config';

@Module({})
export class AppModule {
  static register(config: ProjectorConfig): DynamicModule {
    return serviceModule(AppModule, {
      serviceName: 'projector',
      config,
      postgresPool: true,
      controllers: [PartitionBatchController],
      providers: [
        { provide: ProjectorMetrics, useFactory: (registry: MetricsRegistry) => new ProjectorMetrics(registry), inject: [MetricsRegistry] },
        ProjectorKafka,
        PartitionAssignment,
        DeadLetterPublisher,
        {
          provide: ChangeAnnouncer,
          useFactory: () => {
            const logger = new Logger('ChangeAnnouncer');
            return new ChangeAnnouncer({
              connectionString: config.DATABASE_URL,
              applicationName: 'projector-notify',
              warn: (message) => logger.warn(message),
            });
          },
        },
        ProjectorGaugesSampler,
        ProcessedEventsPruner,
      ],
    });
  }
}
