import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import { createHttpApp, ManagementServer } from '@ledger/platform';

export interface RunningHttpApp {
  readonly app: NestFastifyApplication;
  readonly url: string;
  /** The management listener (`/metrics`, readiness details), on an ephemeral port of its own. */
  readonly managementUrl: string;
  close(): Promise<void>;
}

/**
 * An app exactly as main.ts builds it (same edge, filters, parsers), on an ephemeral loopback port,
 * and its management listener on another. `configure` runs what main.ts adds between creating and
 * listening (e.g. the OpenAPI document).
 */
export async function startHttpApp(module: DynamicModule, configure?: (app: NestFastifyApplication) => void): Promise<RunningHttpApp> {
  const app = await createHttpApp(module);
  configure?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const managementPort = await app.get(ManagementServer).start(0, '127.0.0.1');
  const close = async () => {
    // A response whose body the test never read keeps its keep-alive socket busy, and a busy socket
    // would hold server.close() (and so jest) open until it times out.
    (app.getHttpServer() as Server).closeAllConnections();
    await app.close();
  };
  return { app, url: `http://127.0.0.1:${port}`, managementUrl: `http://127.0.0.1:${managementPort}`, close };
}
