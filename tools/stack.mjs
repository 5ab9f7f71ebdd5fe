#!/usr/bin/env node
// The README's two commands.
//   node tools/stack.mjs start   (npm start)  install if needed, infrastructure, migrations, build and run the four apps
//   node tools/stack.mjs test    (npm test)   install if needed, infrastructure, type-check, lint and test every project
// Both stop on Ctrl-C/SIGTERM whatever they started, and only that.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureInfra } from './lib/infra.mjs';
import { waitUntil } from './lib/net.mjs';
import { appLogsDir, repoRoot } from './lib/paths.mjs';
import { exitCodeOf, isAlive } from './lib/process.mjs';
import { shown } from './lib/files.mjs';
import { consoleLine, forwardOutput } from './lib/app-output.mjs';
import { filesChangedBetween, installChangedFilesMessage, trackedFilesState } from './lib/install.mjs';

const APPS = [
  {
    name: 'command',
    // Its own Postgres role, with only its grants (docs/design.md, Least privilege in Postgres).
    role: 'ledger_command',
    portVariable: 'COMMAND_PORT',
    // The app's own MANAGEMENT_PORT default (its config class): /metrics is served there only.
    managementPort: 9101,
    defaultPort: 3001,
    migrates: true,
  },
  {
    name: 'query',
    role: 'ledger_query',
    portVariable: 'QUERY_PORT',
    managementPort: 9102,
    defaultPort: 3002,
    migrates: false,
  },
  {
    name: 'relay',
    role: 'ledger_relay',
    portVariable: 'RELAY_PORT',
    managementPort: 9103,
    defaultPort: 3003,
    migrates: false,
  },
  {
    name: 'projector',
    role: 'ledger_projector',
    portVariable: 'PROJECTOR_PORT',
    managementPort: 9104,
    defaultPort: 3004,
    migrates: true,
  },
];
const READY_TIMEOUT_MS = 90_000;
const MIGRATE_TIMEOUT_MS = 120_000;
const APP_STOP_GRACE_MS = 15_000;

const say = (message) => console.log(`[stack] ${message}`);

/** Children in the foreground (build, tests, apps): signalled when the runner is asked to stop. */
const children = new Set();
let stopRequested = false;

function spawnTracked(command, args, options) {
  const child = spawn(command, args, { cwd: repoRoot, ...options });
  children.add(child);
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(exitCodeOf(code, signal));
    });
  });
  return { child, exited };
}

const runStep = (command, args, env) => spawnTracked(command, args, { env, stdio: 'inherit' }).exited;

const JEST_SUMMARY = /Tests:\s+(.*\d+ total)/;

const SUITES_FAILED = /Test Suites:\s+(\d+) failed/;

/** node:test's closing counts ("# pass 8"), for the plain-node modules' tests (tools/lib/*.test.mjs). */
const NODE_TEST_COUNT = /# (pass|fail|skipped|todo) (\d+)$/;

/**
 * Adds one jest "Tests: 1 failed, 2 skipped, 40 passed, 43 total" line to the tally. A suite that
 * failed to run has no failed test to show for it: each project's "Test Suites: N failed" beyond its
 * failed tests counts as failures too. Lines are keyed by their project prefix (parallel output).
 */
function count(line, tally) {
  const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
  const nodeTest = NODE_TEST_COUNT.exec(plain.trimEnd());
  if (nodeTest) {
    const kind = { pass: 'passed', fail: 'failed', skipped: 'skipped', todo: 'skipped' }[nodeTest[1]];
    tally[kind] += Number(nodeTest[2]);
    return;
  }
  const project = plain.split(':')[0];
  const suites = SUITES_FAILED.exec(plain);
  if (suites) tally.suitesFailed.set(project, Number(suites[1]));
  const summary = JEST_SUMMARY.exec(plain);
  if (!summary) return;
  let failed = 0;
  for (const [, n, kind] of summary[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
    if (kind === 'failed') failed = Number(n);
    tally[kind === 'todo' ? 'skipped' : kind] += Number(n);
  }
  tally.failed += Math.max(0, (tally.suitesFailed.get(project) ?? 0) - failed);
  tally.suitesFailed.delete(project);
}

/** Like runStep, but echoes the output while counting jest's test results. */
function runCounting(command, args, env, tally) {
  const { child, exited } = spawnTracked(command, args, { env, stdio: ['inherit', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    process.stdout.write(`${line}\n`);
    count(line, tally);
  });
  return exited;
}

/** Runs `onSignal` once on SIGINT/SIGTERM; a second signal exits at once. */
function onStopSignal(onSignal) {
  const handler = (signal) => {
    if (stopRequested) {
      say(`${signal} again: exiting without waiting`);
      process.exit(exitCodeOf(null, signal));
    }
    stopRequested = true;
    onSignal(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

function mtimeOf(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

/**
 * npm install when node_modules is missing or older than package-lock.json (npm ci fails on this registry).
 * With `refuseTrackedChanges` (a test run) an install that changed package.json or package-lock.json fails
 * the run: the tree must be as committed, and what npm wrote belongs in the repository.
 */
async function ensureDependencies({ refuseTrackedChanges = false } = {}) {
  const installed = join(repoRoot, 'node_modules', '.package-lock.json');
  const lock = join(repoRoot, 'package-lock.json');
  if (existsSync(installed) && mtimeOf(installed) >= mtimeOf(lock)) return;
  say(existsSync(installed) ? 'package-lock.json changed: npm install' : 'no node_modules yet: npm install');
  const before = trackedFilesState(repoRoot);
  const code = await runStep('npm', ['install', '--no-audit', '--no-fund'], process.env);
  if (code !== 0) throw new Error(`npm install failed (exit ${code})`);
  // npm may rewrite the lockfile after its own marker; mark the install as current so it is not repeated.
  const now = new Date();
  if (existsSync(installed)) utimesSync(installed, now, now);
  const changed = installChangedFilesMessage(filesChangedBetween(before, trackedFilesState(repoRoot)));
  if (!changed) return;
  if (refuseTrackedChanges) throw new Error(changed);
  say(changed);
}

function workspaceEnv(infra) {
  return {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    // Nx forces colour on its tasks; in a log file or CI console the escape codes are only noise.
    ...(process.stdout.isTTY ? {} : { FORCE_COLOR: '0' }),
    DATABASE_URL: infra.databaseUrl,
    KAFKA_BROKERS: infra.kafkaBrokers,
    // The local broker is a single node: one copy of each topic the apps create, acknowledged by it alone.
    KAFKA_REPLICATION_FACTOR: '1',
    KAFKA_MIN_INSYNC_REPLICAS: '1',
    OIDC_ISSUER: infra.oidcIssuer,
  };
}

function withPorts(env) {
  const ports = Object.fromEntries(APPS.map((app) => [app.portVariable, env[app.portVariable] ?? String(app.defaultPort)]));
  return { ...env, ...ports };
}

// ---------------------------------------------------------------------------------------------- test

async function test(extraArgs) {
  const startedAt = Date.now();
  let infra;
  let code;
  onStopSignal((signal) => {
    say(`${signal}: stopping the test run`);
    for (const child of children) child.kill(signal);
  });
  try {
    await ensureDependencies({ refuseTrackedChanges: true });
    if (stopRequested) throw new Error('interrupted');
    infra = await ensureInfra({ log: say });
    if (stopRequested) throw new Error('interrupted');
    const formatArgs = ['nx', 'format:check', '--all'];
    say(`npx ${formatArgs.join(' ')}`);
    const tally = { passed: 0, failed: 0, skipped: 0, suitesFailed: new Map() };
    const formatCode = await runCounting('npx', formatArgs, workspaceEnv(infra), tally);
    if (formatCode !== 0) console.error('[stack] files above are not formatted: run `npx nx format:write --all`');
    // Two tsc programs for the whole workspace (the libs with their stricter flags, then the apps and
    // tools): each lib's sources are checked once, not again in every project that imports them.
    say('npm run typecheck');
    const typecheckCode = await runCounting('npm', ['run', 'typecheck'], workspaceEnv(infra), tally);
    const args = ['nx', 'run-many', '-t', 'lint', 'test', '--parallel=2', '--outputStyle=stream', ...extraArgs];
    say(`npx ${args.join(' ')}`);
    code = (await runCounting('npx', args, workspaceEnv(infra), tally)) || formatCode || typecheckCode;
    // One closing line for the whole run, summed over every project's jest summary.
    console.log(`tests: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
  } catch (error) {
    console.error(`[stack] ${error.message}`);
    code = 1;
  } finally {
    await infra?.stop().catch((error) => console.error(`[stack] stopping infrastructure: ${error.message}`));
  }
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  say(`test run ${code === 0 ? 'succeeded' : 'FAILED'}: exit code ${code}, wall time ${seconds} s`);
  process.exit(code);
}

// --------------------------------------------------------------------------------------------- start

async function start() {
  const running = [];
  let infraReady; // a promise, so that a Ctrl-C during start-up still stops what comes up
  let shuttingDown;
  const shutdown = (code) => {
    stopRequested = true; // from here on an app that exits is one being stopped
    shuttingDown ??= (async () => {
      await stopApps(running);
      const infra = await infraReady?.catch(() => undefined);
      await infra?.stop().catch((error) => console.error(`[stack] stopping infrastructure: ${error.message}`));
      process.exit(code);
    })();
    return shuttingDown;
  };
  onStopSignal((signal) => {
    say(`${signal}: stopping`);
    for (const child of children) if (!running.some((entry) => entry.child === child)) child.kill('SIGTERM');
    void shutdown(0);
  });

  try {
    await ensureDependencies();
    if (stopRequested) return;
    infraReady = ensureInfra({ log: say });
    const env = withPorts(workspaceEnv(await infraReady));
    if (stopRequested) return;
    await build(env);
    if (stopRequested) return;
    for (const app of APPS.filter((candidate) => candidate.migrates)) await migrate(app, env);
    if (stopRequested) return;
    mkdirSync(appLogsDir, { recursive: true });
    const display = await consoleLine();
    for (const app of APPS) running.push(startApp(app, env, display, () => void shutdown(1)));
    await Promise.all(running.map(waitForReady));
    printUrls(env);
  } catch (error) {
    if (stopRequested) return;
    console.error(`[stack] ${error.message}`);
    await shutdown(1);
  }
}

async function build(env) {
  const args = ['nx', 'run-many', '-t', 'build', '-p', ...APPS.map((app) => app.name)];
  say(`npx ${args.join(' ')}`);
  const code = await runStep('npx', args, env);
  if (code !== 0 && !stopRequested) throw new Error(`build failed (exit ${code})`);
}

/**
 * The migrations (and the ops CLI) use DATABASE_URL as given, an administrator's; each app connects as
 * its own role on the same server and database. The roles have no password: the local server trusts
 * local connections, and a server that asks for one needs them set (ALTER ROLE ... PASSWORD).
 */
function asRole(url, role) {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = '';
  return parsed.toString();
}

/** Node's flags for every app, as the image runs them (docker/Dockerfile's CMD; APP_NODE_FLAGS in @ledger/testing). */
const APP_NODE_FLAGS = ['--max-semi-space-size=8', '--single-threaded-gc'];

function mainOf(app) {
  return join(repoRoot, 'dist', 'apps', app.name, 'main.js');
}

/** `main.js migrate` runs the app's TypeORM migrations and exits; a process that keeps running is an error. */
async function migrate(app, env) {
  say(`${app.name}: migrate`);
  const { child, exited } = spawnTracked(process.execPath, [...APP_NODE_FLAGS, mainOf(app), 'migrate'], { env, stdio: 'inherit' });
  const timeout = sleep(MIGRATE_TIMEOUT_MS).then(() => 'timeout');
  const outcome = await Promise.race([exited, timeout]);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    throw new Error(
      `${app.name}: 'main.js migrate' still running after ${MIGRATE_TIMEOUT_MS / 1000} s (is the migrate argument implemented?)`,
    );
  }
  if (outcome !== 0 && !stopRequested) throw new Error(`${app.name}: migrations failed (exit ${outcome})`);
}

/** Starts one app; its output goes to the console prefixed with its name and to tools/.local/logs/<app>.log. */
function startApp(app, env, display, onUnexpectedExit) {
  const logFile = join(appLogsDir, `${app.name}.log`);
  const { child, exited } = spawnTracked(process.execPath, [...APP_NODE_FLAGS, mainOf(app)], {
    env: { ...env, DATABASE_URL: asRole(env.DATABASE_URL, app.role) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const file = forwardOutput([child.stdout, child.stderr], { name: app.name, display, logFile });
  const port = Number(env[app.portVariable]);
  const entry = { app, child, port, logFile, exitCode: undefined };
  exited.then((code) => {
    entry.exitCode = code;
    file.end();
    if (!stopRequested) {
      console.error(`[stack] ${app.name} exited with code ${code}; stopping the stack (log ${shown(logFile)})`);
      onUnexpectedExit();
    }
  });
  say(`${app.name}: started (pid ${child.pid}) on port ${port}, log ${shown(logFile)}`);
  return entry;
}

function waitForReady(entry) {
  const url = `http://127.0.0.1:${entry.port}/health/ready`;
  return waitUntil(
    async () => {
      try {
        const response = await fetch(url, {
          signal: AbortSignal.timeout(2_000),
        });
        return response.status === 200;
      } catch {
        return false;
      }
    },
    {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 500,
      what: `${entry.app.name} (${url})`,
      abort: () => (entry.exitCode === undefined ? undefined : `exited with code ${entry.exitCode}`),
    },
  );
}

async function stopApps(running) {
  await Promise.all(
    running.map(async ({ app, child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const deadline = Date.now() + APP_STOP_GRACE_MS;
      while (isAlive(child.pid) && child.exitCode === null && child.signalCode === null && Date.now() < deadline) await sleep(100);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      say(`${app.name}: stopped`);
    }),
  );
}

function printUrls(env) {
  say('all apps are ready:');
  for (const app of APPS) {
    const base = `http://127.0.0.1:${env[app.portVariable]}`;
    console.log(`  ${app.name.padEnd(10)} ${base}   (health ${base}/health/ready, metrics http://127.0.0.1:${app.managementPort}/metrics)`);
  }
  console.log(
    `  DATABASE_URL=${env.DATABASE_URL}   (migrations and the ops CLI; the apps connect as ${APPS.map((app) => app.role).join(', ')})`,
  );
  console.log(`  KAFKA_BROKERS=${env.KAFKA_BROKERS}`);
  console.log(`  OIDC_ISSUER=${env.OIDC_ISSUER}   (a token: npm run -s ledger -- token --sub <subject>)`);
  say('Ctrl-C stops the apps and the infrastructure started here');
}

// ---------------------------------------------------------------------------------------------- main

const [command, ...rest] = process.argv.slice(2);
if (command === 'test') await test(rest);
else if (command === 'start') await start();
else {
  console.error('usage: node tools/stack.mjs start|test [extra nx args for test]');
  process.exit(2);
}
