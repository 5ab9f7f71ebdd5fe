import { Logger } from '@nestjs/common';
import { connect, isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { Kafka, logLevel, type ISocketFactory, type logCreator } from 'kafkajs';
import { appLogLevelOf } from './kafka-log-level';
import { brokerList, type KafkaConfig } from '@ledger/platform';
import { kafkaSecurityOf, NO_KAFKA_SECURITY, type KafkaSecurity } from './kafka-security';
import { fixKafkajsIdleRequestQueue } from './kafkajs-request-queue.fix';

/** kafkajs logs through the app's logger (JSON via pino), warnings and errors only. */
const nestLogCreator: logCreator = () => {
  const logger = new Logger('Kafka');
  return ({ namespace, level, log }) => {
    const { message, ...extra } = log;
    const line = `${namespace}: ${message} ${JSON.stringify(extra)}`;
    logger[appLogLevelOf(level, message, extra)](line);
  };
};

const KEEP_ALIVE_DELAY_MS = 60_000;

/** kafkajs' own factory, as it would build it: plain TCP, or TLS (SNI by host name) when `ssl` is set. */
const defaultSocket: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : connect({ host, port }, onConnect);
  return socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
};

/**
 * Broker connections with Nagle's algorithm off. kafkajs leaves it on, and a small request written
 * while an earlier one's bytes are unacknowledged (an offset commit or heartbeat beside a long-poll
 * fetch, a produce behind a produce) then waits for the broker's delayed ACK: tens of milliseconds
 * added to a record's trip.
 */
function withNoDelay(factory: ISocketFactory): ISocketFactory {
  return (options) => factory(options).setNoDelay(true);
}

/**
 * Every client of the apps is built here, TLS and SASL included. `socketFactory` lets tests route broker
 * connections through a proxy they can cut.
 */
export function createKafka(
  clientId: string,
  brokers: readonly string[],
  socketFactory: ISocketFactory = defaultSocket,
  security: KafkaSecurity = NO_KAFKA_SECURITY,
): Kafka {
  fixKafkajsIdleRequestQueue();
  return new Kafka({
    socketFactory: withNoDelay(socketFactory),
    clientId,
    brokers: [...brokers],
    ...(security.ssl === undefined ? {} : { ssl: security.ssl }),
    ...(security.sasl === undefined ? {} : { sasl: security.sasl }),
    logLevel: logLevel.WARN,
    logCreator: nestLogCreator,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
}

/** An app's client, from its validated config: brokers, TLS and SASL as the environment set them. */
export function kafkaFromConfig(clientId: string, config: KafkaConfig): Kafka {
  return createKafka(clientId, brokerList(config.KAFKA_BROKERS), defaultSocket, kafkaSecurityOf(config));
}
