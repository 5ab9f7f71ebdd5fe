import { Injectable, Logger } from '@nestjs/common';
import { messageOf } from '../errors/error-message';
import { ReadinessProbe, ReadinessRegistry } from './readiness.registry';

const PROBE_TIMEOUT_MS = 2_000;

/** One dependency's answer; `message` says why it is down (management port and logs only, never the public port). */
export interface DependencyStatus {
  readonly name: string;
  readonly up: boolean;
  readonly message?: string;
}

function withTimeout(probe: ReadinessProbe): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    probe()
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

/**
 * Runs every readiness probe. A dependency going down is logged with its error once, and again when the
 * error changes or it comes back, so probes every few seconds leave the reason in the logs without flooding them.
 */
@Injectable()
export class ReadinessCheck {
  private readonly logger = new Logger('Readiness');
  private readonly downWith = new Map<string, string>();

  constructor(private readonly registry: ReadinessRegistry) {}

  isShuttingDown(): boolean {
    return this.registry.isShuttingDown();
  }

  run(): Promise<DependencyStatus[]> {
    return Promise.all(this.registry.entries().map(([name, probe]) => this.probe(name, probe)));
  }

  private async probe(name: string, probe: ReadinessProbe): Promise<DependencyStatus> {
    try {
      await withTimeout(probe);
      if (this.downWith.delete(name)) this.logger.log(`${name} is up again`);
      return { name, up: true };
    } catch (error) {
      const message = messageOf(error);
      if (this.downWith.get(name) !== message) this.logger.warn(`${name} is down: ${message}`);
      this.downWith.set(name, message);
      return { name, up: false, message };
    }
  }
}
