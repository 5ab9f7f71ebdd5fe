import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy a test puts between an app and a server the other suites share (Postgres), to
 * make that server unreachable for the app alone: `refuse()` drops every connection and stops
 * listening, so new ones are refused (ECONNREFUSED); `restore()` listens on the same port again.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private listeningPort = 0;

  private constructor(private readonly target: { readonly host: string; readonly port: number }) {}

  /** A proxy to the host and port of `url` (e.g. a postgres:// URL); `rewrite(url)` points a client at it. */
  static async inFrontOf(url: string): Promise<TcpProxy> {
    const { hostname, port } = new URL(url);
    const proxy = new TcpProxy({ host: hostname, port: Number(port || 5432) });
    await proxy.listen(0);
    return proxy;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.listeningPort);
    return parsed.toString();
  }

  async refuse(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    if (!this.server) await this.listen(this.listeningPort);
  }

  stop(): Promise<void> {
    return this.refuse();
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.listeningPort = typeof address === 'object' && address !== null ? address.port : 0;
    this.server = server;
  }

  private forward(client: Socket): void {
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
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
