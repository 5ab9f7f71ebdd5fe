export * from './lib/tracing.config';
export * from './lib/tracing.bootstrap';
export * from './lib/trace-context';
export * from './lib/trace-log.fields';
export * from './lib/message-spans';
export { SpanKind } from '@opentelemetry/api';
