import { Logger } from '@nestjs/common';
import type { RelayDestination } from '@ledger/event-store';
import { ensureTopic, fetchTopicId, type KafkaAdminSession } from '@ledger/messaging';

export interface KafkaDestinationOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
}

/**
 * Where the relay is about to publish: makes sure the topic exists (created when missing, an existing
 * one left as it is), then names it by cluster id (from the admin client's describeCluster) and
 * topic id (from a Metadata request of a version kafkajs does not speak, see fetchTopicId).
 */
export class KafkaDestinationProbe {
  private readonly logger = new Logger('Relay');

  constructor(
    private readonly admin: KafkaAdminSession,
    private readonly options: KafkaDestinationOptions,
  ) {}

  async current(): Promise<RelayDestination> {
    await this.ensureTopic();
    const { clusterId } = await (await this.admin.get()).describeCluster();
    const topicId = await fetchTopicId({ brokers: this.options.brokers, topic: this.options.topic, clientId: 'ledger-relay' });
    return { clusterId, topic: this.options.topic, topicId };
  }

  private async ensureTopic(): Promise<void> {
    const { topic, partitions, replicationFactor, minInsyncReplicas } = this.options;
    const ensured = await ensureTopic(await this.admin.get(), { topic, partitions, replicationFactor, minInsyncReplicas });
    if (ensured.created) {
      this.logger.log(`created topic ${topic} with ${ensured.partitions} partitions`);
    } else if (ensured.partitions !== partitions) {
      this.logger.warn(`topic ${topic} has ${ensured.partitions} partitions, not ${partitions}: left as it is`);
    }
  }
}
