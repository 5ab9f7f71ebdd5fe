// The development OpenID Connect issuer for the stack: the one OIDC_ISSUER names, else one answering on
// 127.0.0.1:3005, else tools/oidc-issuer started there (in memory: its keys change at every start).
import { canConnect, waitUntil } from './net.mjs';
import { issuerPaths as paths } from './paths.mjs';
import { liveRecord, removePidFile, spawnDaemon, stopProcess, withLock, writePidFile } from './process.mjs';
import { shown, tailOf } from './files.mjs';

const LOCAL_PORT = 3005;
const LOCAL_ISSUER = `http://127.0.0.1:${LOCAL_PORT}`;
const START_TIMEOUT_MS = 30_000;
const MARKER = 'oidc-issuer.mjs';

/** Returns { url, origin, startedHere }; startedHere is true only when this call launched the issuer. */
export async function ensureIssuer({ env = process.env, log = console.log } = {}) {
  if (env.OIDC_ISSUER) {
    if (!(await discoveryAnswers(env.OIDC_ISSUER)))
      throw new Error(`OIDC_ISSUER=${env.OIDC_ISSUER}: no OpenID Connect discovery document there`);
    return { url: env.OIDC_ISSUER, origin: 'OIDC_ISSUER', startedHere: false };
  }
  return withLock(paths.startLock, () => reuseOrStart(log));
}

async function reuseOrStart(log) {
  const running = liveRecord(paths.pidFile);
  if (running) {
    await waitForIssuer(running.pid);
    return { url: running.url, origin: `local issuer already running (pid ${running.pid})`, startedHere: false };
  }
  if (await discoveryAnswers(LOCAL_ISSUER)) {
    return { url: LOCAL_ISSUER, origin: `an issuer already answering on ${LOCAL_ISSUER} (not managed here)`, startedHere: false };
  }
  if (await canConnect('127.0.0.1', LOCAL_PORT)) {
    throw new Error(`port ${LOCAL_PORT} is taken by something that is not an OpenID Connect issuer; free it or set OIDC_ISSUER`);
  }
  const pid = await startIssuer(log);
  return { url: LOCAL_ISSUER, origin: `started local issuer (pid ${pid}), log ${shown(paths.serverLog)}`, startedHere: true };
}

async function startIssuer(log) {
  const child = spawnDaemon(process.execPath, [paths.entry, '--port', String(LOCAL_PORT)], { logFile: paths.serverLog, cwd: paths.home });
  writePidFile(paths.pidFile, { pid: child.pid, marker: MARKER, url: LOCAL_ISSUER, startedAt: new Date().toISOString() });
  log(`oidc-issuer: starting (pid ${child.pid}) on ${LOCAL_ISSUER} ...`);
  try {
    await waitForIssuer(child.pid);
  } catch (error) {
    await stopProcess(child.pid, { graceMs: 5_000 }).catch(() => undefined);
    removePidFile(paths.pidFile);
    throw new Error(`${error.message}\n--- last lines of ${shown(paths.serverLog)} ---\n${tailOf(paths.serverLog)}`);
  }
  return child.pid;
}

function waitForIssuer(pid) {
  return waitUntil(() => discoveryAnswers(LOCAL_ISSUER), {
    timeoutMs: START_TIMEOUT_MS,
    what: `OpenID Connect issuer (pid ${pid})`,
    abort: () => (liveRecord(paths.pidFile) ? undefined : 'the process exited'),
  });
}

/** Stops the issuer started by ensureIssuer (whichever process started it); never a foreign one. */
export function stopIssuer() {
  return withLock(paths.startLock, async () => {
    const running = liveRecord(paths.pidFile);
    if (!running) return 'not running';
    const outcome = await stopProcess(running.pid, { signal: 'SIGTERM', graceMs: 10_000 });
    removePidFile(paths.pidFile);
    return `${outcome} (pid ${running.pid})`;
  });
}

export async function issuerStatus({ env = process.env } = {}) {
  if (env.OIDC_ISSUER) return { url: env.OIDC_ISSUER, up: await discoveryAnswers(env.OIDC_ISSUER), detail: 'from OIDC_ISSUER' };
  const running = liveRecord(paths.pidFile);
  const up = await discoveryAnswers(LOCAL_ISSUER);
  if (running) return { url: running.url, up, detail: `local issuer, pid ${running.pid}, log ${shown(paths.serverLog)}` };
  return { url: LOCAL_ISSUER, up, detail: up ? 'answering, not managed here' : 'not running' };
}

/** Whether `issuer` serves a discovery document naming itself as the issuer. */
async function discoveryAnswers(issuer) {
  try {
    const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return false;
    const document = await response.json();
    return document.issuer === issuer;
  } catch {
    return false;
  }
}
