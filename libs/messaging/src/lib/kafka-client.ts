import { Logger } from '@nestjs/common';
import { connect } from 'node:net';
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

/** kafkajs' own plain-TCP factory, as it would build it. */
const plainSocket: ISocketFactory = ({ host, port, onConnect }) =>
  connect({ host, port, keepAlive: true, keepAliveInitialDelay: 60_000 }, onConnect);

/**
 * Broker connections with Nagle's algorithm off. kafkajs leaves it on, and a small request written
 * while an earlier one's bytes are unacknowledged (an offset commit or heartbeat beside a long-poll
 * fetch, a produce behind a produce) then waits for the broker's delayed ACK: tens of milliseconds
 * added to a record's trip.
 */
function withNoDelay(factory: ISocketFactory): ISocketFactory {
  return (options) => factory(options).setNoDelay(true);
}

/** `socketFactory` lets tests route broker connections through a proxy they can cut. */
export function createKafka(clientId: string, brokers: readonly string[], socketFactory: ISocketFactory = plainSocket): Kafka {
  return new Kafka({
    socketFactory: withNoDelay(socketFactory),
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.WARN,
    logCreator: nestLogCreator,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
}
