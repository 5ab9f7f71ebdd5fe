import { Kafka, logLevel } from 'kafkajs';

/**
 * A client for the run's own probes and audit. Silent: while the broker restarts, every refused
 * connection would otherwise print a line, and the run's journal already says what is going on.
 */
export function quietKafka(clientId: string, brokers: string): Kafka {
  return new Kafka({
    clientId,
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    retry: { retries: 3 },
  });
}
