import { BeforeApplicationShutdown, Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { Public } from '@ledger/auth';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { messageOf } from '../errors/error-message';
import { ReadinessProbe, ReadinessRegistry } from './readiness.registry';

const PROBE_TIMEOUT_MS = 2_000;

function withTimeout(probe: ReadinessProbe): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    probe()
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** Liveness says only that the process serves HTTP: dependencies failing must not restart it. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    if (this.readiness.isShuttingDown()) throw new ServiceUnavailableException('shutting down');
    return this.health.check(
      this.readiness.entries().map(([name, probe]) => async () => {
        const session = this.indicators.check(name);
        try {
          await withTimeout(probe);
          return session.up();
        } catch (error) {
          return session.down({ message: messageOf(error) });
        }
      }),
    );
  }

  beforeApplicationShutdown(): void {
    this.readiness.markShuttingDown();
  }
}
