// TCP probes and polling.
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export function canConnect(host, port, timeoutMs = 1_000) {
  return new Promise((resolvePromise) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function isPortFree(port, host = '127.0.0.1') {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen(port, host, () => server.close(() => resolvePromise(true)));
  });
}

/** The first free port from `preferred` upwards. */
export async function freePortFrom(preferred) {
  for (let port = preferred; port < preferred + 100; port += 1) {
    if (await isPortFree(port)) return port;
  }
  throw new Error(`no free port in ${preferred}..${preferred + 99}`);
}

/**
 * Polls `check` until it returns a truthy value, `abort` returns a reason to give up, or time runs out.
 */
export async function waitUntil(check, { timeoutMs, intervalMs = 250, abort = () => undefined, what }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    const reason = await abort();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (Date.now() >= deadline) throw new Error(`${what}: not ready after ${Math.round(timeoutMs / 1000)} s`);
    await sleep(intervalMs);
  }
}

/** "host:port" -> { host, port } (IPv6 literals in brackets are accepted). */
export function parseHostPort(address) {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  if (!match) throw new Error(`not a host:port address: ${address}`);
  return { host: match[1], port: Number(match[2]) };
}
