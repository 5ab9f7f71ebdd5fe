import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { sleep } from '@ledger/platform';

export interface ChildApp {
  readonly baseUrl: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts a built app (`node <main> ...`) and resolves once `readyPath` answers 200. Its stderr is
 * passed through, so a crash is visible; an exit before ready rejects.
 */
export async function startChildApp(options: {
  readonly main: string;
  readonly port: number;
  readonly env: NodeJS.ProcessEnv;
  readonly nodeArgs?: readonly string[];
  readonly readyPath: string;
  readonly timeoutMs?: number;
}): Promise<ChildApp> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), options.main],
    {
      env: options.env,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let exited: string | null = null;
  child.once(
    'exit',
    (code, signal) => (exited = `exited with ${code ?? signal}`),
  );
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (exited !== null)
      throw new Error(`${options.main} ${exited} before it was ready`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `${options.main} not ready within ${options.timeoutMs ?? 30_000} ms`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}${options.readyPath}`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return {
    baseUrl,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exit = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
