import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsOptional, IsUrl, Matches, validateSync } from 'class-validator';

export const TRACES_EXPORTERS = ['none', 'otlp', 'console'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];

/** The OTLP transports this build ships; gRPC is refused at boot rather than silently not exporting. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

const OTLP_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * The standard OTEL_* variables the apps act on, checked once before anything else loads. Tracing is
 * off unless OTEL_TRACES_EXPORTER names an exporter. The SDK reads the finer knobs itself
 * (OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER, OTEL_BSP_*, OTEL_RESOURCE_ATTRIBUTES).
 */
export class TracingConfig {
  @IsIn(TRACES_EXPORTERS)
  OTEL_TRACES_EXPORTER: TracesExporter = 'none';

  @IsIn(['true', 'false'])
  OTEL_SDK_DISABLED: string = 'false';

  /** Defaults to the app's name (command, relay, projector, query). */
  @IsOptional()
  @Matches(/^[\w.-]{1,100}$/, { message: 'must be 1 to 100 letters, digits, dots, dashes or underscores' })
  OTEL_SERVICE_NAME: string | undefined = undefined;

  @IsOptional()
  @IsUrl(OTLP_URL, { message: 'must be an http(s):// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT: string | undefined = undefined;

  @IsOptional()
  @IsUrl(OTLP_URL, { message: 'must be an http(s):// URL' })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: string | undefined = undefined;

  @IsIn(OTLP_PROTOCOLS)
  OTEL_EXPORTER_OTLP_PROTOCOL: OtlpProtocol = 'http/protobuf';

  @IsOptional()
  @IsIn(OTLP_PROTOCOLS)
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: OtlpProtocol | undefined = undefined;
}

export class TracingConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'TracingConfigError';
  }
}

/**
 * Reads TracingConfig from the environment. It runs before the framework is loaded (so that the
 * instrumented modules load after it), which is why it cannot go through @ledger/platform's loadConfig;
 * it follows the same rules: empty means unset, every bad variable is named.
 */
export function readTracingConfig(env: Record<string, string | undefined>): TracingConfig {
  const present = Object.fromEntries(
    Object.keys(new TracingConfig())
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const config = plainToInstance(TracingConfig, present, { exposeDefaultValues: true });
  const problems = validateSync(config, { forbidUnknownValues: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => `${error.property}: ${message}`),
  );
  if (problems.length > 0) throw new TracingConfigError(problems);
  return config;
}

export function tracingEnabled(config: TracingConfig): boolean {
  return config.OTEL_SDK_DISABLED !== 'true' && config.OTEL_TRACES_EXPORTER !== 'none';
}

export function otlpProtocolOf(config: TracingConfig): OtlpProtocol {
  return config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL;
}
