import { DynamicModule, Module } from '@nestjs/common';
import { MetricsRegistry, serviceModule } from '@ledger/platform';
import { DeadLetterPublisher } from './dead-letters/dead-letter.publisher';
import { ProjectorKafka } from './kafka/projector-kafka';
import { ProcessedEventsPruner } from './maintenance/processed-events.pruner';
import { ProjectorGaugesSampler } from './maintenance/projector-gauges.sampler';
import { ChangeAnnouncer } from './projection/change.announcer';
import { ProjectorConsumer } from './projection/projector.consumer';
import { ProjectorMetrics } from './projection/projector.metrics';
import { ProjectorConfig } from './projector.config';

@Module({})
export class AppModule {
  static register(config: ProjectorConfig): DynamicModule {
    return serviceModule(AppModule, {
      serviceName: 'projector',
      config,
      postgresPool: true,
      providers: [
        { provide: ProjectorMetrics, useFactory: (registry: MetricsRegistry) => new ProjectorMetrics(registry), inject: [MetricsRegistry] },
        ProjectorKafka,
        DeadLetterPublisher,
        ChangeAnnouncer,
        ProjectorConsumer,
        ProjectorGaugesSampler,
        ProcessedEventsPruner,
      ],
    });
  }
}
