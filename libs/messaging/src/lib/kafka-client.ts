import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type ISocketFactory, type logCreator } from 'kafkajs';
import { appLogLevelOf } from './kafka-log-level';

/** kafkajs logs through the app's logger (JSON via pino), warnings and errors only. */
const nestLogCreator: logCreator = () => {
  const logger = new Logger('Kafka');
  return ({ namespace, level, log }) => {
    const { message, ...extra } = log;
    const line = `${namespace}: ${message} ${JSON.stringify(extra)}`;
    logger[appLogLevelOf(level, message, extra)](line);
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
