import { required } from '@ledger/platform';

// Jest's hooks. Declared here rather than through Jest's types, so the tools that import this library
// (benchmarks, chaos) still compile without them; only a test suite calls suiteResource.
declare const beforeAll: (hook: () => Promise<void>, timeoutMs?: number) => void;
declare const afterAll: (hook: () => Promise<void>) => void;

/**
 * Something the enclosing describe's tests share: started before them, stopped after them. The
 * returned function gives it inside tests and hooks (the describe body runs before it exists).
 */
export function suiteResource<T>(what: string, start: () => Promise<T>, stop: (resource: T) => Promise<void>, timeoutMs = 60_000): () => T {
  let resource: T | undefined;
  beforeAll(async () => {
    resource = await start();
  }, timeoutMs);
  afterAll(async () => {
    if (resource !== undefined) await stop(resource);
  });
  return () => required(resource, `${what} (read before the suite's beforeAll ran)`);
}
