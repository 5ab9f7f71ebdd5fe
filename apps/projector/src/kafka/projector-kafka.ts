import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { kafkaFromConfig, KafkaAdminSession } from '@ledger/messaging';
import type { Kafka } from 'kafkajs';
import { ProjectorConfig } from '../projector.config';

/** The app's one Kafka client, and one admin connection for readiness, topic set-up and lag sampling. */
@Injectable()
export class ProjectorKafka implements OnApplicationShutdown {
  readonly kafka: Kafka;
  readonly admin: KafkaAdminSession;

  constructor(config: ProjectorConfig) {
    this.kafka = kafkaFromConfig('ledger-projector', config);
    this.admin = new KafkaAdminSession(this.kafka);
  }

  onApplicationShutdown(): Promise<void> {
    return this.admin.close();
  }
}
