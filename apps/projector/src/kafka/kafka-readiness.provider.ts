import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createKafka, KafkaAdminSession } from '@ledger/messaging';
import { brokerList, ReadinessRegistry } from '@ledger/platform';
import { ProjectorConfig } from '../projector.config';

/** The projector is ready only when the broker it consumes from answers. */
@Injectable()
export class KafkaReadiness implements OnModuleInit, OnApplicationShutdown {
  private readonly admin: KafkaAdminSession;

  constructor(
    config: ProjectorConfig,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.admin = new KafkaAdminSession(createKafka('ledger-projector', brokerList(config.KAFKA_BROKERS)));
  }

  onModuleInit(): void {
    this.readiness.register('kafka', () => this.admin.probe());
  }

  onApplicationShutdown(): Promise<void> {
    return this.admin.close();
  }
}
