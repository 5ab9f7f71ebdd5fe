import { DynamicModule, Module } from '@nestjs/common';
import { MetricsRegistry } from '@ledger/platform';
import { RelayConfig } from '../relay.config';
import { kafkaFromConfig } from '@ledger/messaging';
import { RelayMetrics } from './relay.metrics';
import { RELAY_KAFKA, RelayService } from './relay.service';

@Module({})
export class RelayModule {
  static register(config: RelayConfig): DynamicModule {
    return {
      module: RelayModule,
      providers: [
        { provide: RELAY_KAFKA, useFactory: () => kafkaFromConfig('ledger-relay', config) },
        { provide: RelayMetrics, useFactory: (registry: MetricsRegistry) => new RelayMetrics(registry), inject: [MetricsRegistry] },
        RelayService,
      ],
      exports: [RelayService, RelayMetrics],
    };
  }
}
