import { createServer, connect, type Server, type Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/**
 * A TCP proxy in front of the broker that a test can cut and restore, to play a broker outage
 * without stopping the broker other suites share. Kafka clients reconnect to the addresses the
 * broker advertises, so the relay's Kafka client gets `socketFactory`, which sends every broker
 * connection through the proxy.
 */
export class KafkaProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private cut = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      if (this.cut) {
        client.destroy();
        return;
      }
      const upstream = connect(this.target);
      this.track(client);
      this.track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
    this.server = server;
  }

  /** Drops every connection and refuses new ones until `restore()`. */
  disconnect(): void {
    this.cut = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.cut = false;
  }

  readonly socketFactory: ISocketFactory = ({ onConnect }) => {
    const socket = connect({ host: '127.0.0.1', port: this.port }, onConnect);
    socket.setKeepAlive(true, 1_000);
    return socket;
  };

  async stop(): Promise<void> {
    this.disconnect();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
