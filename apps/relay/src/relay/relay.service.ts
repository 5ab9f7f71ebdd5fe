import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { PG_POOL, ReadinessRegistry } from '@ledger/platform';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { RelayConfig } from '../relay.config';
import { Relay } from './relay';
import { RelayMetrics } from './relay.metrics';

export const RELAY_KAFKA = Symbol('RELAY_KAFKA');

/**
 * Runs the relay for the app's lifetime; readiness includes the broker (Postgres is the pool's probe)
 * and whether the relay publishes at all (see RELAY_ON_NEW_TOPIC=stop).
 */
@Injectable()
export class RelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly relay: Relay;

  constructor(
    config: RelayConfig,
    @Inject(RELAY_KAFKA) kafka: Kafka,
    @Inject(PG_POOL) pool: Pool,
    metrics: RelayMetrics,
    readiness: ReadinessRegistry,
  ) {
    this.relay = new Relay({ config, kafka, pool, metrics });
    readiness.register('kafka', () => this.relay.checkKafka());
    readiness.register('relay', () => this.relay.checkPublishing());
  }

  /** Resolves with the reason if the relay halts; main ends the process then. */
  whenHalted(): Promise<string> {
    return this.relay.whenHalted();
  }

  isLeader(): boolean {
    return this.relay.isLeader();
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
