import { connect } from 'node:net';
import type { ISocketFactory } from 'kafkajs';
import { TcpProxy } from '@ledger/testing';

/**
 * The shared TCP proxy in front of the broker, to play a broker outage without stopping the broker
 * other suites share. Kafka clients reconnect to the addresses the broker advertises, so the relay's
 * Kafka client gets `socketFactory`, which sends every broker connection through the proxy.
 */
export class KafkaProxy {
  private constructor(private readonly tcp: TcpProxy) {}

  /** `broker`: host:port. */
  static async inFrontOf(broker: string): Promise<KafkaProxy> {
    return new KafkaProxy(await TcpProxy.inFrontOf(`tcp://${broker}`));
  }

  /** Drops every connection and refuses new ones until `restore()`. */
  disconnect(): Promise<void> {
    return this.tcp.refuse();
  }

  restore(): Promise<void> {
    return this.tcp.restore();
  }

  stop(): Promise<void> {
    return this.tcp.stop();
  }

  readonly socketFactory: ISocketFactory = ({ onConnect }) => {
    const socket = connect({ host: '127.0.0.1', port: this.tcp.port }, onConnect);
    socket.setKeepAlive(true, 1_000);
    return socket;
  };
}
