import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf, sleep } from '@ledger/platform';
import { parseAcknowledgedCommand } from '@ledger/read-model-operations';
import type { ChaosOptions } from './chaos-arguments.parser';
import { injectFault } from './chaos.faults';
import { faultTargets, planFaults, type Fault } from './chaos.plan';
import { violationsOf, type ChaosReport, type Convergence, type FaultRecord, type LoadOutcome, type VerifyOutcome } from './chaos.report';
import { checkRelayedOrder } from './checks/relayed-order.check';
import { waitFor, type ManagedProcess } from '@ledger/tooling';
import { chaosLocalDir, repoRoot } from './infra/repo-paths';
import { APP_NAMES, builtMain } from './pipeline/app-replica';
import { ChaosStack, PROJECTOR_GROUP, TOPIC } from './pipeline/chaos-stack';
import { isQuiet, samplePipelineLag, type PipelineLag } from './pipeline/pipeline-quiet.probe';
import { quietKafka } from './pipeline/quiet-kafka';
import { RunJournal } from './pipeline/run-journal';
import { LEDGER_CLI, LOAD_CLI, startWorkspaceCli, tailOf } from './pipeline/workspace-cli';

/** Beyond its --duration, how long the load may take to wind down (requests in flight) before it is stopped. */
const LOAD_OVERRUN_MS = 120_000;
/** What the load generator prints once it has its token and starts sending (load.cli.ts). */
const LOAD_SENDING = 'Sending ';
const LOAD_BOOT_TIMEOUT_MS = 120_000;
const QUIET_POLL_MS = 500;
/** Consecutive quiet samples: the relay's lag gauge is sampled every 250 ms, so two polls see a fresh one. */
const QUIET_SAMPLES = 3;

export interface ChaosOutcome {
  readonly report: ChaosReport;
  readonly violations: readonly string[];
}

/** One chaos run from start to verdict; everything it started is stopped before it returns. */
export async function runChaos(options: ChaosOptions, print: (line: string) => void, signal: AbortSignal): Promise<ChaosOutcome> {
  const runDir = join(chaosLocalDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-seed-${options.seed}`);
  mkdirSync(runDir, { recursive: true });
  const journal = new RunJournal((line) => {
    print(line);
    appendFileSync(join(runDir, 'journal.log'), `${line}\n`);
  });
  const plan = planFaults({ seed: options.seed, durationMs: options.durationSeconds * 1_000, kills: options.kills });
  const stack = new ChaosStack(runDir, journal);
  const faults: FaultRecord[] = [];
  let report: ChaosReport = {
    seed: options.seed,
    durationSeconds: options.durationSeconds,
    rate: options.rate,
    runDir,
    faults,
    crashes: [],
  };
  try {
    journal.note(`seed ${options.seed}, run folder ${runDir}`);
    for (const fault of plan) journal.note(`plan: ${describePlanned(fault)}`);
    prepareApps(options, journal);
    await stack.start();
    const context = { options, plan, stack, journal, runDir, signal };
    const { load, loadEndedAtSeconds } = await underLoad(context, faults);
    report = { ...report, load };
    const lastFaultAtSeconds = Math.max(0, ...faults.map((fault) => fault.readyAtSeconds ?? fault.atSeconds));
    report = { ...report, convergence: await waitForQuiet(context, loadEndedAtSeconds, lastFaultAtSeconds) };
    report = { ...report, ...(await checks(stack, journal, runDir)) };
  } catch (error) {
    journal.note(`stopping early: ${messageOf(error)}`);
    report = { ...report, aborted: messageOf(error) };
  } finally {
    journal.note('stopping the apps, the broker and the database');
    await stack.stop().catch((error: unknown) => journal.note(`stopping: ${messageOf(error)}`));
  }
  report = { ...report, crashes: [...stack.replicas.values()].flatMap((replica) => replica.crashes) };
  const violations = violationsOf(report);
  if (violations.length === 0 && !options.keep) rmSync(runDir, { recursive: true, force: true });
  return { report, violations };
}

function describePlanned(fault: Fault): string {
  const at = `${(fault.atMs / 1000).toFixed(1)} s into the load`;
  if (fault.kind === 'kill') return `${at}: kill -9 ${fault.role}-${fault.replica}, restart after ${fault.downMs} ms`;
  if (fault.kind === 'scale-out' || fault.kind === 'scale-in') return `${at}: ${fault.kind}`;
  return `${at}: ${fault.kind}, down ${fault.downMs} ms`;
}

function prepareApps(options: ChaosOptions, journal: RunJournal): void {
  if (!options.skipBuild) {
    journal.note('building the four apps (nx run-many -t build)');
    const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...APP_NAMES, '--outputStyle=static'], {
      cwd: repoRoot,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (build.status !== 0) throw new Error(`building the apps failed (exit ${build.status})`);
  }
  const missing = APP_NAMES.filter((app) => !existsSync(builtMain(app)));
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} (npx nx run-many -t build -p ${APP_NAMES.join(' ')})`);
  if (!existsSync(LOAD_CLI)) throw new Error(`no load generator at ${LOAD_CLI}`);
}

interface RunContext {
  readonly options: ChaosOptions;
  readonly plan: readonly Fault[];
  readonly stack: ChaosStack;
  readonly journal: RunJournal;
  readonly runDir: string;
  readonly signal: AbortSignal;
}

function throwIfInterrupted(signal: AbortSignal): void {
  if (signal.aborted) throw new Error('interrupted');
}

async function underLoad(
  context: RunContext,
  faults: FaultRecord[],
): Promise<{ readonly load: LoadOutcome; readonly loadEndedAtSeconds: number }> {
  const { options, stack, journal, runDir, signal } = context;
  const ackLog = join(runDir, 'acks.ndjson');
  const loadJson = join(runDir, 'load.json');
  const loadLog = join(stack.logsDir, 'load.log');
  const args = [
    '--rate',
    String(options.rate),
    '--duration',
    String(options.durationSeconds),
    '--seed',
    String(options.seed),
    '--accounts',
    String(options.accounts),
    '--command-url',
    stack.replica('command-1').baseUrl,
    '--ack-log',
    ackLog,
    '--json',
    loadJson,
  ];
  // The load acts as the ledger-bench service with a token from the run's own issuer.
  const load = startWorkspaceCli(LOAD_CLI, args, { OIDC_ISSUER: stack.issuer?.url }, loadLog);
  journal.note(`load started (pid ${load.pid}): ${args.join(' ')}`);
  let exitCode: number | null;
  try {
    // The faults are planned from the first request on: the generator's boot and its token fetch take
    // seconds on a busy machine, and a fault before any traffic tests nothing.
    const sending = await waitFor(() => Promise.resolve(readText(loadLog).includes(LOAD_SENDING)), {
      timeoutMs: LOAD_BOOT_TIMEOUT_MS,
      abort: () => load.exit() !== undefined || signal.aborted,
    });
    throwIfInterrupted(signal);
    if (!sending) throw new Error(`the load generator did not start sending, see ${loadLog}:\n${tailOf(loadLog, 10)}`);
    const loadStartedMs = journal.elapsedMs();
    journal.note('load sending');
    await injectAll(context, loadStartedMs, faults);
    exitCode = await waitForLoad(load, options, journal, loadStartedMs, signal);
  } finally {
    if (load.exit() === undefined) await load.stop('SIGINT', 10_000);
  }
  throwIfInterrupted(signal);
  const loadEndedAtSeconds = journal.seconds();
  journal.note(`load ended (exit code ${exitCode}):\n${tailOf(loadLog, 40)}`);
  return { load: { exitCode, summary: readJson(loadJson), ...countAcks(ackLog) }, loadEndedAtSeconds };
}

/** Each fault at its planned time, after the previous one on the same targets has finished. */
async function injectAll(context: RunContext, loadStartedMs: number, faults: FaultRecord[]): Promise<void> {
  const { plan, stack, journal, signal } = context;
  const lastOn = new Map<string, Promise<unknown>>();
  const running: Promise<void>[] = [];
  for (const fault of plan) {
    const plannedMs = loadStartedMs + fault.atMs;
    await sleep(Math.max(0, plannedMs - journal.elapsedMs()), signal);
    throwIfInterrupted(signal);
    const targets = faultTargets(fault);
    const before = Promise.all(targets.map((target) => lastOn.get(target)));
    const done = before.then(async () => {
      if (!signal.aborted) faults.push(await injectFault(fault, stack, journal, Math.round(plannedMs / 100) / 10));
    });
    for (const target of targets) lastOn.set(target, done);
    running.push(done);
  }
  await Promise.all(running);
  faults.sort((a, b) => a.atSeconds - b.atSeconds);
}

async function waitForLoad(
  load: ManagedProcess,
  options: ChaosOptions,
  journal: RunJournal,
  startedMs: number,
  signal: AbortSignal,
): Promise<number | null> {
  const deadline = startedMs + options.durationSeconds * 1_000 + LOAD_OVERRUN_MS;
  const ended = await Promise.race([load.exited, sleep(Math.max(0, deadline - journal.elapsedMs()), signal).then(() => undefined)]);
  if (ended !== undefined) return ended.code;
  throwIfInterrupted(signal);
  journal.note('the load generator outlived its duration: stopping it (SIGINT)');
  return (await load.stop('SIGINT', 30_000)).code;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function countAcks(file: string): Pick<LoadOutcome, 'acknowledged' | 'unknownOutcome' | 'unreadableLines'> {
  const lines = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
    : [];
  const parsed = lines.map(parseAcknowledgedCommand);
  return {
    acknowledged: parsed.filter((line) => typeof line !== 'string' && line.outcome === 'acknowledged').length,
    unknownOutcome: parsed.filter((line) => typeof line !== 'string' && line.outcome === 'unknown').length,
    unreadableLines: parsed.filter((line) => typeof line === 'string').length,
  };
}

async function waitForQuiet(context: RunContext, loadEndedAtSeconds: number, lastFaultAtSeconds: number): Promise<Convergence> {
  const { stack, journal, options, signal } = context;
  journal.note('waiting for the pipeline to be quiet: relay lag 0, consumer lag 0');
  const admin = quietKafka('chaos-probe', stack.kafka?.brokers ?? '').admin();
  const relays = ['relay-1', 'relay-2'].map((name) => stack.replica(name));
  const deadline = Date.now() + options.convergeTimeoutSeconds * 1_000;
  let lag: PipelineLag = { relayLag: undefined, relayLeader: undefined, consumerLag: undefined };
  let connected = false;
  try {
    for (let quietSamples = 0; quietSamples < QUIET_SAMPLES; ) {
      if (Date.now() > deadline) return { quiet: false, loadEndedAtSeconds, lastFaultAtSeconds, lastSample: lagFigures(lag) };
      await sleep(QUIET_POLL_MS, signal);
      throwIfInterrupted(signal);
      connected ||= await admin.connect().then(
        () => true,
        () => false,
      );
      lag = await samplePipelineLag({ relays, admin, topic: TOPIC, groupId: PROJECTOR_GROUP });
      quietSamples = isQuiet(lag) ? quietSamples + 1 : 0;
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const quietAtSeconds = journal.seconds() - (QUIET_SAMPLES - 1) * (QUIET_POLL_MS / 1000);
  journal.note(`quiet (relay leader ${lag.relayLeader})`);
  return {
    quiet: true,
    loadEndedAtSeconds,
    lastFaultAtSeconds,
    quietAtSeconds: Math.round(quietAtSeconds * 10) / 10,
    lastSample: lagFigures(lag),
  };
}

const lagFigures = (lag: PipelineLag) => ({
  ...(lag.relayLag === undefined ? {} : { relayLag: lag.relayLag }),
  ...(lag.consumerLag === undefined ? {} : { consumerLag: lag.consumerLag }),
});

async function checks(stack: ChaosStack, journal: RunJournal, runDir: string): Promise<Pick<ChaosReport, 'relayed' | 'verify'>> {
  const postgres = stack.postgres;
  const kafka = stack.kafka;
  if (postgres === undefined || kafka === undefined) throw new Error('the stack is not started');
  journal.note('checking the topic against the event store');
  const relayed = await checkRelayedOrder({
    kafka: quietKafka('chaos-audit', kafka.brokers),
    topic: TOPIC,
    databaseUrl: postgres.url(),
  }).catch((error: unknown) => ({ error: messageOf(error) }));
  journal.note('running ledger verify --acks');
  return { relayed, verify: await verify(postgres.url(), join(runDir, 'acks.ndjson'), join(stack.logsDir, 'verify.log')) };
}

async function verify(databaseUrl: string, ackLog: string, logFile: string): Promise<VerifyOutcome> {
  const exit = await startWorkspaceCli(LEDGER_CLI, ['verify', '--acks', ackLog], { DATABASE_URL: databaseUrl }, logFile).exited;
  return { exitCode: exit.code, output: tailOf(logFile, 40) };
}
