import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReadinessCheck } from '../health/readiness.check';
import { MetricsRegistry } from '../metrics/metrics.registry';
import { PROBLEM_CONTENT_TYPE, problemType } from '../http/problem';

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  response.end(body);
}

function notFound(response: ServerResponse): void {
  send(response, 404, PROBLEM_CONTENT_TYPE, JSON.stringify({ type: problemType('not-found'), title: 'Not found', status: 404 }));
}

/**
 * The management listener (MANAGEMENT_PORT): Prometheus metrics and readiness with its reasons, for
 * scrapers and operators inside the cluster, never on the public port. A plain node:http server: it
 * needs no framework edge, and it opens and closes with the Nest app.
 */
@Injectable()
export class ManagementServer implements OnApplicationShutdown {
  private server: Server | undefined;

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly readiness: ReadinessCheck,
  ) {}

  /** Starts listening (port 0 picks a free one) and resolves with the bound port. */
  async start(port: number, host: string): Promise<number> {
    if (this.server !== undefined) throw new Error('the management server is already started');
    const server = createServer((request, response) => {
      this.answer(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, 'text/plain', String(error));
        else response.destroy();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return this.port();
  }

  /** The bound port; throws before start(). */
  port(): number {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the management server is not listening');
    return address.port;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound(response);
    if (path === '/metrics') return send(response, 200, this.metrics.contentType, await this.metrics.metrics());
    if (path === '/health/ready') return this.answerReadiness(response);
    return notFound(response);
  }

  /** Like the public /health/ready, with each down dependency's error text. */
  private async answerReadiness(response: ServerResponse): Promise<void> {
    if (this.readiness.isShuttingDown()) return send(response, 503, 'application/json', JSON.stringify({ status: 'shutting-down' }));
    const statuses = await this.readiness.run();
    const dependencies = Object.fromEntries(
      statuses.map(({ name, up, message }) => [name, up ? { status: 'up' } : { status: 'down', message }]),
    );
    const ready = statuses.every((status) => status.up);
    send(response, ready ? 200 : 503, 'application/json', JSON.stringify({ status: ready ? 'ok' : 'error', dependencies }));
  }
}
