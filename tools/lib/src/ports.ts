import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** Below this, the well-known services (PostgreSQL, Kafka, the apps' defaults) that may be down a moment. */
const LOWEST_PORT = 10_000;
/** Linux's default first ephemeral port; macOS and IANA's start higher (49152). */
const DEFAULT_FIRST_EPHEMERAL = 32_768;
const LOCAL_PORT_RANGE = '/proc/sys/net/ipv4/ip_local_port_range';
/** Fewer ports than this below the ephemeral range: too few to draw from, the kernel picks instead. */
const MIN_RANGE = 1_000;
const ATTEMPTS = 100;

/** Handed out by this process: never twice, though nothing may listen on one yet. */
const handedOut = new Set<number>();

/**
 * Where a port is drawn from, given the text of Linux's ip_local_port_range ("32768\t60999"): the
 * ports between the well-known ones and the first the kernel assigns by itself; null when that is
 * too few.
 */
export function portRangeBelow(localPortRange: string | undefined): { readonly low: number; readonly high: number } | null {
  const first = Number(localPortRange?.trim().split(/\s+/)[0]);
  const high = Number.isInteger(first) && first > 0 ? first : DEFAULT_FIRST_EPHEMERAL;
  return high - LOWEST_PORT >= MIN_RANGE ? { low: LOWEST_PORT, high } : null;
}

function localPortRange(): string | undefined {
  try {
    return readFileSync(LOCAL_PORT_RANGE, 'utf8');
  } catch {
    return undefined;
  }
}

/** The port, bound on every interface (as the apps bind theirs) and let go at once; null when it is taken. 0: the kernel's pick. */
function tryBind(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : null));
    });
  });
}

/**
 * A port nothing listens on right now, for a child to bind a moment later and to bind again when it
 * restarts. Drawn below the kernel's ephemeral range: the kernel never hands those out by itself, to
 * another process's `listen(0)` or as the local port of an outgoing connection, which made a port
 * chosen the ephemeral way busy by the time the child bound it (EADDRINUSE) while other suites ran.
 */
export async function freePort(): Promise<number> {
  const range = portRangeBelow(localPortRange());
  for (let attempt = 0; range !== null && attempt < ATTEMPTS; attempt++) {
    const candidate = range.low + Math.floor(Math.random() * (range.high - range.low));
    if (handedOut.has(candidate)) continue;
    if ((await tryBind(candidate)) !== null) return handOut(candidate);
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = await tryBind(0);
    if (port !== null && !handedOut.has(port)) return handOut(port);
  }
  throw new Error('no free port');
}

function handOut(port: number): number {
  handedOut.add(port);
  return port;
}

/** Whether something accepts TCP connections on the port. */
export function portAnswers(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
