// Child processes: foreground runs, detached daemons with pid files, and stopping them safely.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Runs a command with inherited stdio; resolves with its exit code (signals map to 128+n). */
export function run(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise(exitCodeOf(code, signal)));
  });
}

/** Runs a command and captures its output; rejects with stderr when it fails. */
export function capture(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code}): ${stderr.trim() || stdout.trim()}`));
    });
  });
}

/** True when an executable is on PATH. */
export async function hasCommand(command) {
  try {
    await capture('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

export function exitCodeOf(code, signal) {
  if (code !== null) return code;
  const signals = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (signals[signal] ?? 1);
}

/**
 * Starts a long-running process in its own session so that a Ctrl-C aimed at the caller does not reach
 * it (the caller decides when and how it stops), with stdout and stderr appended to logFile.
 */
export function spawnDaemon(command, args, { logFile, ...options }) {
  mkdirSync(dirname(logFile), { recursive: true });
  rotateIfLarge(logFile);
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, {
      ...options,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

/** Keeps one previous generation of a log that has grown past `maxBytes`. */
function rotateIfLarge(logFile, maxBytes = 50 * 1024 * 1024) {
  if (existsSync(logFile) && statSync(logFile).size > maxBytes) renameSync(logFile, `${logFile}.1`);
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** The command line of a live process, or undefined (no /proc, or gone). */
function commandLineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

/**
 * A pid file holds JSON ({ pid, marker, ...details }). The marker is a string from the command line,
 * checked so that a recycled pid of an unrelated process is never taken for ours.
 */
export function writePidFile(file, record) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
}

export function removePidFile(file) {
  rmSync(file, { force: true });
}

/** The pid file's record when its process still runs, else undefined (and a stale file is removed). */
export function liveRecord(file) {
  if (!existsSync(file)) return undefined;
  let record;
  try {
    record = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    removePidFile(file);
    return undefined;
  }
  const commandLine = isAlive(record.pid) ? commandLineOf(record.pid) : undefined;
  const ours = commandLine === undefined ? isAlive(record.pid) : commandLine.includes(record.marker);
  if (!ours) {
    removePidFile(file);
    return undefined;
  }
  return record;
}

/** Signals a process, waits for it to exit, and kills it when it outlives the grace period. */
export async function stopProcess(pid, { signal = 'SIGTERM', graceMs = 30_000 } = {}) {
  if (!isAlive(pid)) return 'not running';
  process.kill(pid, signal);
  if (await waitForExit(pid, graceMs)) return 'stopped';
  process.kill(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
  return 'killed';
}

async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/**
 * Runs `work` while holding an exclusive lock file, so that two concurrent `up`s never start two servers
 * on the same data directory. A lock left by a dead process is taken over.
 */
export async function withLock(file, work, { timeoutMs = 180_000 } = {}) {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (!holder || !isAlive(holder)) rmSync(file, { force: true });
      else if (Date.now() > deadline) throw new Error(`${file} is held by pid ${holder}`);
      else await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(file, { force: true });
  }
}
