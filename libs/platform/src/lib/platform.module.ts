import { DynamicModule, Global, Module, OnApplicationShutdown, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { shutdownTracing } from '@ledger/tracing';
import { CommonConfig } from './config/common-config';
import { PostgresPoolModule } from './database/postgres-pool.module';
import { HealthController } from './health/health.controller';
import { ReadinessCheck } from './health/readiness.check';
import { ReadinessRegistry } from './health/readiness.registry';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { LoggingModule } from './logging/logging.module';
import { ManagementServer } from './management/management.server';
import { MetricsRegistry } from './metrics/metrics.registry';

export interface PlatformOptions {
  readonly serviceName: string;
  readonly config: CommonConfig;
}

/**
 * What every app needs: its validated config (injectable by its own class and as CommonConfig),
 * JSON logging, problem+json errors, health, and Prometheus metrics on the management port.
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  static forRoot({ serviceName, config }: PlatformOptions): DynamicModule {
    const configProviders = [{ provide: CommonConfig, useValue: config }];
    if (config.constructor !== CommonConfig) configProviders.push({ provide: config.constructor as typeof CommonConfig, useValue: config });
    return {
      module: PlatformModule,
      imports: [LoggingModule.forRoot(serviceName, config.LOG_LEVEL, config.LOG_FORMAT), TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        ...configProviders,
        { provide: MetricsRegistry, useValue: new MetricsRegistry(serviceName) },
        ReadinessRegistry,
        ReadinessCheck,
        ManagementServer,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
      exports: [...configProviders.map((p) => p.provide), MetricsRegistry, ReadinessRegistry],
    };
  }

  /** Spans still buffered go out before the process ends (a no-op with tracing off). */
  async onApplicationShutdown(): Promise<void> {
    await shutdownTracing();
  }
}

export interface ServiceModuleOptions extends PlatformOptions, Omit<DynamicModule, 'module' | 'global'> {
  /** A `pg.Pool` (PG_POOL) on the config's database, as many connections as DATABASE_POOL_SIZE, named after the service. */
  readonly postgresPool?: boolean;
}

/** An app's root module: the platform, the app's Postgres pool if it uses one, then the app's own parts. */
export function serviceModule(
  module: Type,
  { serviceName, config, postgresPool = false, imports = [], ...parts }: ServiceModuleOptions,
): DynamicModule {
  const pool = postgresPool
    ? [PostgresPoolModule.forRoot({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: serviceName })]
    : [];
  return { module, imports: [PlatformModule.forRoot({ serviceName, config }), ...pool, ...imports], ...parts };
}
