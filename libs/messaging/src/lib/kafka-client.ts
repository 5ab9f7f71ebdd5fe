import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type ISocketFactory, type logCreator } from 'kafkajs';

/** kafkajs logs through the app's logger (JSON via pino), warnings and errors only. */
const nestLogCreator: logCreator = () => {
  const logger = new Logger('Kafka');
  return ({ namespace, level, log }) => {
    const { message, ...extra } = log;
    const line = `${namespace}: ${message} ${JSON.stringify(extra)}`;
    // The relay bounds kafkajs' retries on purpose: after a failed send it drops the producer and
    // resends from its checkpoint, which keeps order without relying on the producer's own retries.
    if (message.startsWith('Limiting retries for the idempotent producer')) logger.debug(line);
    else if (level === logLevel.ERROR || level === logLevel.NOTHING) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else logger.debug(line);
  };
};

/** `socketFactory` lets tests route broker connections through a proxy they can cut. */
export function createKafka(clientId: string, brokers: readonly string[], socketFactory?: ISocketFactory): Kafka {
  return new Kafka({
    ...(socketFactory ? { socketFactory } : {}),
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.WARN,
    logCreator: nestLogCreator,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
}
