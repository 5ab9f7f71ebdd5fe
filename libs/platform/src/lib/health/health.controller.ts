import { BeforeApplicationShutdown, Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { Public } from '@ledger/auth';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessCheck } from './readiness.check';
import { ReadinessRegistry } from './readiness.registry';

/**
 * The probes on the public port. A down dependency is named but its error text is not given: it may
 * carry host names, users or broker addresses. The text is in the logs and on the management port.
 */
@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly check: ReadinessCheck,
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
  async ready() {
    if (this.readiness.isShuttingDown()) throw new ServiceUnavailableException('shutting down');
    const statuses = await this.check.run();
    return this.health.check(
      statuses.map(({ name, up }) => () => {
        const session = this.indicators.check(name);
        return up ? session.up() : session.down();
      }),
    );
  }

  beforeApplicationShutdown(): void {
    this.readiness.markShuttingDown();
  }
}
