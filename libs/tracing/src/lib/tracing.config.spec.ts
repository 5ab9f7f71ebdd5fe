import { otlpProtocolOf, readTracingConfig, TracingConfigError, tracingEnabled } from './tracing.config';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    readTracingConfig(env);
  } catch (error) {
    if (error instanceof TracingConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('readTracingConfig', () => {
  it('is off with nothing set, and when the exporter is none or the SDK is disabled', () => {
    expect(tracingEnabled(readTracingConfig({}))).toBe(false);
    expect(tracingEnabled(readTracingConfig({ OTEL_TRACES_EXPORTER: 'none' }))).toBe(false);
    expect(tracingEnabled(readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }))).toBe(false);
  });

  it('is on with an exporter; an empty variable counts as unset', () => {
    const config = readTracingConfig({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_SERVICE_NAME: '',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    });
    expect(tracingEnabled(config)).toBe(true);
    expect(config.OTEL_SERVICE_NAME).toBeUndefined();
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');
  });

  it('sends protobuf unless told otherwise; the traces-specific protocol wins', () => {
    expect(otlpProtocolOf(readTracingConfig({}))).toBe('http/protobuf');
    expect(otlpProtocolOf(readTracingConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }))).toBe('http/json');
    expect(
      otlpProtocolOf(readTracingConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' })),
    ).toBe('http/protobuf');
  });

  it('names every bad variable', () => {
    const problems = problemsOf({
      OTEL_TRACES_EXPORTER: 'jaeger',
      OTEL_SDK_DISABLED: 'yes',
      OTEL_SERVICE_NAME: 'a b',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'OTEL_SDK_DISABLED',
      'OTEL_SERVICE_NAME',
      'OTEL_TRACES_EXPORTER',
    ]);
  });

  it('refuses hostile values instead of passing them on', () => {
    expect(problemsOf({ OTEL_SERVICE_NAME: 'x'.repeat(101) })).toHaveLength(1);
    expect(problemsOf({ OTEL_SERVICE_NAME: 'svc\n{"level":60}' })).toHaveLength(1);
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'javascript:alert(1)' })).toHaveLength(1);
  });

  it('ignores variables it does not know', () => {
    expect(tracingEnabled(readTracingConfig({ OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_EXPORTER: 'console' }))).toBe(true);
  });
});
