import { DynamicModule, Module } from '@nestjs/common';
import { serviceModule } from '@ledger/platform';
import { RelayModule } from './relay/relay.module';
import { RelayConfig } from './relay.config';

@Module({})
export class AppModule {
  static register(config: RelayConfig): DynamicModule {
    return serviceModule(AppModule, { serviceName: 'relay', config, postgresPool: true, imports: [RelayModule.register(config)] });
  }
}
