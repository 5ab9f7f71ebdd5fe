import { required } from '@ledger/platform';

// Jest's hooks. Declared here rather than through Jest's types, so the tools that import this library
// (benchmarks, chaos) still compile without them; only a test suite calls suiteResource.
declare const beforeAll: (hook: () => Promise<void>, timeoutMs?: number) => void;
declare const afterAll: (hook: () => Promise<void>) => void;

/** What this test file has started and not yet stopped, oldest first. */
const running: (() => Promise<void>)[] = [];

/**
 * Something the enclosing describe's tests share: started before them, stopped after them. The
 * returned function gives it inside tests and hooks (the describe body runs before it exists).
 * Jest runs afterAll hooks in the order they were declared, but a resource may use an earlier one
 * (an app on a database), so the first teardown stops everything started since, newest first.
 */
export function suiteResource<T>(what: string, start: () => Promise<T>, stop: (resource: T) => Promise<void>, timeoutMs = 60_000): () => T {
  let resource: T | undefined;
  let stopIt: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const started = await start();
    resource = started;
    stopIt = () => stop(started);
    running.push(stopIt);
  }, timeoutMs);
  afterAll(async () => {
    const at = stopIt === undefined ? -1 : running.indexOf(stopIt);
    if (at < 0) return;
    for (const stopOne of running.splice(at).reverse()) await stopOne();
  });
  return () => required(resource, `${what} (read before the suite's beforeAll ran)`);
}

/**
 * A suite resource used as the object itself: each member read goes to the running one, so the
 * describe body can hold it before it is started (a method is bound to the running object).
 */
export function suiteObject<T extends object>(
  what: string,
  start: () => Promise<T>,
  stop: (resource: T) => Promise<void>,
  timeoutMs?: number,
): T {
  const current = suiteResource(what, start, stop, timeoutMs);
  return new Proxy({} as T, {
    get: (_target, key) => {
      const resource = current();
      const value: unknown = Reflect.get(resource, key);
      return typeof value === 'function' ? value.bind(resource) : value;
    },
  });
}
