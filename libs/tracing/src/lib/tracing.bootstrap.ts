import { readTracingConfig, tracingEnabled, TracingConfigError } from './tracing.config';
import type { TracingSdk } from './tracing.sdk';

let sdk: TracingSdk | null = null;

/**
 * Starts tracing for the app when OTEL_TRACES_EXPORTER asks for it. It must run before pg
 * and the HTTP server are loaded, so each app imports its `tracing.ts` as the first line of main.ts.
 * With tracing off nothing is patched and the SDK is not even loaded: the apps run exactly as without.
 * A bad OTEL_* setting stops the process (exit 78) naming each bad variable, as the app config does.
 */
export function startTracing(serviceName: string, env: Record<string, string | undefined> = process.env): void {
  let config;
  try {
    config = readTracingConfig(env);
  } catch (error) {
    if (!(error instanceof TracingConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  if (sdk !== null || !tracingEnabled(config)) return;
  // Loaded on demand: the SDK and its instrumentations take a good part of a second to load.
  const { registerTracing } = require('./tracing.sdk') as typeof import('./tracing.sdk');
  sdk = registerTracing(config, serviceName);
}

/** Exports what is still buffered and stops tracing; a no-op when tracing is off. Never throws. */
export async function shutdownTracing(): Promise<void> {
  const running = sdk;
  sdk = null;
  await running?.shutdown().catch(() => undefined);
}
