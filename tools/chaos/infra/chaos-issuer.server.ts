import { join } from 'node:path';
import { freePort, startProcess, waitFor, type ManagedProcess } from '@ledger/tooling';
import { repoRoot } from './repo-paths';

const ISSUER_MAIN = join(repoRoot, 'tools', 'oidc-issuer', 'oidc-issuer.mjs');
const START_TIMEOUT_MS = 60_000;

/**
 * The development OpenID Connect issuer of the chaos run's own, on a free port: the apps trust it and
 * the load generator takes its tokens from it, so a run needs nothing of the machine's stack. It is
 * never a fault target (its keys live in memory: a restart would invalidate every token).
 */
export class ChaosIssuer {
  private server: ManagedProcess | undefined;

  private constructor(readonly port: number) {}

  static async create(): Promise<ChaosIssuer> {
    return new ChaosIssuer(await freePort());
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts it and waits until its discovery document answers; resolves with its pid. */
  async start(logFile: string): Promise<number> {
    const server = startProcess(process.execPath, [ISSUER_MAIN, '--port', String(this.port)], {
      env: { PATH: process.env['PATH'] ?? '' },
      logFile,
      cwd: repoRoot,
    });
    this.server = server;
    const ready = await waitFor(() => this.answers(), { timeoutMs: START_TIMEOUT_MS, abort: () => server.exit() !== undefined });
    if (!ready) {
      await server.stop('SIGKILL', 5_000);
      throw new Error(`the OpenID Connect issuer did not answer on ${this.url} within ${START_TIMEOUT_MS / 1000} s, see ${logFile}`);
    }
    return server.pid;
  }

  async stop(): Promise<void> {
    await this.server?.stop('SIGTERM', 10_000);
  }

  private async answers(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(2_000) });
      return response.ok;
    } catch {
      return false;
    }
  }
}
