import { Injectable } from '@nestjs/common';

export type ReadinessProbe = () => Promise<void>;

/**
 * Dependencies register a probe here (Postgres, Kafka, ...); `/health/ready` answers 200 only when
 * every probe resolves, and 503 once shutdown has begun so load balancers drain the instance first.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly probes = new Map<string, ReadinessProbe>();
  private shuttingDown = false;

  register(name: string, probe: ReadinessProbe): void {
    this.probes.set(name, probe);
  }

  entries(): ReadonlyArray<[string, ReadinessProbe]> {
    return [...this.probes.entries()];
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}
