/**
 * `npm run bench:e2e [-- --rate 500 --duration 20 --warmup 5 --warmup-commands 10000 --warmup-rate 300 --idle 10
 *   --accounts 500 --variants defaults,npm-start
 *   --baseline <dist> --rounds 1 --postgres <server url> --profile --no-build]`
 *
 * The four built apps as separate processes (as `npm start` runs them), on a fresh database and a
 * topic of their own; commands and reads as the ledger-bench service, with its token, each account's
 * stream followed by a caller of its own (the query service bounds the streams of one caller). At a steady rate scheduled by the clock (open loop), deposits and withdrawals
 * go to the command service over many accounts opened beforehand. For each accepted command, the
 * time from its 201 until the change is visible in the query service, two ways: (a) a `minVersion`
 * read issued right after the 201, (b) the account's SSE stream, open all along, delivering that
 * version. Each event's path is split into stages from timestamps the system keeps anyway: the
 * append transaction's `recorded_at`, the Kafka record's CreateTime (the relay's send), the
 * projector transaction's `processed_at`, and the stream's arrival at the client.
 *
 * Before the timed warm-up at the run's rate, `--warmup-commands` commands (and their reads) go at
 * `--warmup-rate`. V8 optimises a function once it has run a certain amount of its bytecode, not after
 * a time: a few seconds at 100 commands/s left most of the apps' request path in its baseline tiers,
 * where it cost about a third more CPU than after 9,000 commands. A deployed app has long passed that
 * point, so the run measures it past it too.
 *
 * Variants (see variants.ts) run one after the other in the same invocation, each on its own
 * pipeline: the first is the baseline of the others. `--baseline <dist>` runs each variant on the apps
 * of another build first (e.g. `git worktree add` of the commit before a change, built there; or a copy
 * of `dist` kept from before it), for a before/after of code changes in the same run. `--rounds <n>` runs
 * all the variants n times in turn and adds a table of each one's medians and ranges (rounds-summary.ts
 * says why). Prints a table and writes
 * tools/bench/results/e2e.json; --profile also writes each app's CPU profile and prints its hottest code.
 * CPU is accounted for every process serving the run (the apps, the load generator, Postgres with its
 * background processes, the Kafka broker) against the machine's busy time over the measured window,
 * so that a saturated machine shows as one. After the load, with every stream closed, the same
 * processes are watched for `--idle` seconds (0: not at all) doing nothing: what the pipeline costs
 * the machine while no one uses it (timers, polls, heartbeats).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPipeline, type Pipeline, type PipelineApp } from '@ledger/testing';
import { createBenchDatabase, DEFAULT_SERVER_URL, type BenchDatabase } from '../lib/bench-database';
import { nonNegativeNumber, positiveNumber } from '../lib/bench-options';
import { benchCaller, followerTokens, type Bearer } from '../lib/bench-caller';
import { openAccounts } from '../lib/command-http';
import { brokerJit } from '../lib/broker-jit';
import { machineInfo } from '../lib/machine-info';
import { openLoop, type OpenLoopResult } from '../lib/open-loop';
import { buildApps } from '../lib/pipeline';
import { formatTable } from '../lib/table';
import { profilesIn, summariseProfile } from './cpu-profile.summary';
import { CPU_TABLE_HEADER, cpuTableRows, type CpuAccount } from './cpu-table';
import { residentMemory, type ResidentMemory } from '../lib/process-memory';
import { ChangeNotifications } from './change-notifications';
import { PipelineCounters, type PipelineRounds } from './pipeline-counters';
import { CpuWindow } from './cpu-window';
import { DatabaseActivityWindow, type DatabaseActivity } from './database-activity';
import { awaitProjected, commandAndRead, noFailures, StreamArrivals, type Failures } from './e2e-workload';
import { summarise, type CommandSample, type Distribution } from './latency-samples';
import { ROUNDS_TABLE_HEADER, roundFigures, roundsTableRows, summariseRounds } from './rounds-summary';
import { stageTimes } from './stage-timestamps';
import { onBaselineBuild, variantsNamed, type Variant } from './variants';
import { sleep } from '@ledger/platform';

const ROOT = join(__dirname, '..', '..', '..');
const RESULTS = join(ROOT, 'tools', 'bench', 'results', 'e2e.json');
const PROFILES = join(ROOT, 'tmp', 'bench-e2e-profiles');
const APPS: readonly PipelineApp[] = ['command', 'relay', 'projector', 'query'];
const TARGETS = { p50Ms: 15, p99Ms: 50 };
const IDLE_SETTLE_MS = 2_000;

function options() {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '500' },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      'warmup-commands': { type: 'string', default: '10000' },
      'warmup-rate': { type: 'string', default: '300' },
      idle: { type: 'string', default: '10' },
      accounts: { type: 'string', default: '500' },
      variants: { type: 'string', default: 'defaults' },
      baseline: { type: 'string' },
      rounds: { type: 'string', default: '1' },
      'no-reads': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      brokers: { type: 'string', default: '127.0.0.1:9092' },
      postgres: { type: 'string', default: DEFAULT_SERVER_URL },
      'no-build': { type: 'boolean', default: false },
    },
  });
  return {
    rate: positiveNumber('rate', values.rate),
    durationMs: positiveNumber('duration', values.duration) * 1000,
    warmupMs: nonNegativeNumber('warmup', values.warmup) * 1000,
    warmupCommands: Math.round(nonNegativeNumber('warmup-commands', values['warmup-commands'])),
    warmupRate: positiveNumber('warmup-rate', values['warmup-rate']),
    idleMs: nonNegativeNumber('idle', values.idle) * 1000,
    accounts: Math.round(positiveNumber('accounts', values.accounts)),
    variants: withBaseline(variantsNamed(values.variants.split(',').map((v) => v.trim())), values.baseline),
    rounds: Math.round(positiveNumber('rounds', values.rounds)),
    reads: !values['no-reads'],
    profile: values.profile,
    brokers: values.brokers,
    postgres: values.postgres,
    build: !values['no-build'],
  };
}
type Options = ReturnType<typeof options>;

/** Each variant on the baseline's build first, then on this workspace's, for a before/after in one run. */
function withBaseline(variants: readonly Variant[], baseline: string | undefined): Variant[] {
  return baseline === undefined ? [...variants] : variants.flatMap((v) => [onBaselineBuild(v, baseline), v]);
}

interface VariantResult {
  readonly variant: string;
  /** Which pass over the variants this was (1-based; `--rounds`). */
  readonly round: number;
  readonly description: string;
  readonly load: OpenLoopResult;
  readonly failures: Failures;
  readonly distributions: Distribution[];
  /** CPU each process serving the run used during the measured window, against the machine's busy time. */
  readonly cpu: CpuAccount;
  /** What the apps asked of Postgres over the measured window. */
  readonly database: DatabaseActivity;
  /** How much each of the relay's batches and the projector's transactions carried. */
  readonly rounds: PipelineRounds;
  /** Each app's resident memory at the window's end, and its peak so far. */
  readonly memory: Partial<Record<PipelineApp, ResidentMemory | null>>;
  /** CPU each process used while the pipeline sat idle after the load; null with `--idle 0`. */
  readonly idle: CpuAccount | null;
  readonly profiles?: Record<string, ReturnType<typeof summariseProfile>>;
}

function profiledApps(variant: Variant, dir: string | undefined): Variant['apps'] {
  if (dir === undefined) return variant.apps;
  return Object.fromEntries(
    APPS.map((app) => [
      app,
      { ...variant.apps?.[app], nodeArgs: [...(variant.apps?.[app]?.nodeArgs ?? []), '--cpu-prof', `--cpu-prof-dir=${join(dir, app)}`] },
    ]),
  );
}

async function measure(pipeline: Pipeline, opts: Options, database: BenchDatabase, as: Bearer) {
  const urls = { command: pipeline.command.baseUrl, query: pipeline.query.baseUrl };
  process.stdout.write(`  opening ${opts.accounts} accounts...\n`);
  const accounts = await openAccounts(urls.command, opts.accounts, as);
  await awaitProjected(urls.query, accounts, as);
  const streams = await StreamArrivals.follow(urls.query, accounts, await followerTokens(accounts.length));
  const announcements = await ChangeNotifications.listen(database.url);
  const failures: Failures = noFailures();
  const account = (n: number) => accounts[n % accounts.length] as string;
  const warmUp = (rate: number, ms: number) =>
    openLoop(rate, ms, (n) => commandAndRead(urls, as, account(n), n, opts.reads, null, noFailures()));
  if (opts.warmupCommands > 0) {
    process.stdout.write(`  JIT warm-up: ${opts.warmupCommands} commands at ${opts.warmupRate}/s...\n`);
    await warmUp(opts.warmupRate, (opts.warmupCommands / opts.warmupRate) * 1000);
  }
  if (opts.warmupMs > 0) {
    process.stdout.write(`  warm-up: ${opts.rate}/s for ${opts.warmupMs / 1000} s...\n`);
    await warmUp(opts.rate, opts.warmupMs);
  }
  process.stdout.write(`  measuring: ${opts.rate}/s for ${opts.durationMs / 1000} s...\n`);
  const samples: CommandSample[] = [];
  const cpuWindow = await CpuWindow.open(pipeline, APPS, database.url, database.name, opts.brokers);
  const activity = await DatabaseActivityWindow.open(database.url, database.name);
  await activity.begin();
  const counters = await PipelineCounters.begin(pipeline);
  await cpuWindow.begin();
  const load = await openLoop(opts.rate, opts.durationMs, (n) => commandAndRead(urls, as, account(n), n, opts.reads, samples, failures));
  const cpu = await cpuWindow.end(load.sent).finally(() => cpuWindow.close());
  const databaseActivity = await activity.end().finally(() => activity.close());
  const rounds = await counters.end();
  const memory = Object.fromEntries(APPS.map((app) => [app, residentMemory(pipeline[app].process.pid ?? -1)]));
  // The last commands' changes may still be on their way to the streams.
  const deadline = Date.now() + 15_000;
  while (samples.some((s) => streams.at(s.accountId, s.version) === undefined) && Date.now() < deadline) {
    await sleep(100);
  }
  for (const sample of samples) {
    sample.streamedAt = streams.at(sample.accountId, sample.version);
    sample.announcedAt = announcements.at(sample.accountId, sample.version);
  }
  streams.close();
  await announcements.close();
  const idle = await idleCpu(pipeline, opts, database);
  const stages = await stageTimes(database.url, opts.brokers, pipeline.topic);
  return { load, failures, distributions: summarise(samples, stages), cpu, database: databaseActivity, rounds, memory, idle };
}

/** The same processes' CPU over `opts.idleMs` with nothing sent and no stream open. */
async function idleCpu(pipeline: Pipeline, opts: Options, database: BenchDatabase): Promise<CpuAccount | null> {
  if (opts.idleMs <= 0) return null;
  process.stdout.write(`  idle: ${opts.idleMs / 1000} s with nothing sent...\n`);
  // Closing the streams is the load's last work, not idleness.
  await sleep(IDLE_SETTLE_MS);
  const window = await CpuWindow.open(pipeline, APPS, database.url, database.name, opts.brokers);
  await window.begin();
  await sleep(opts.idleMs);
  return window.end(0).finally(() => window.close());
}

async function runVariant(variant: Variant, round: number, opts: Options, as: Bearer): Promise<VariantResult> {
  const ofRounds = opts.rounds > 1 ? ` (round ${round} of ${opts.rounds})` : '';
  process.stdout.write(`\nvariant ${variant.name}${ofRounds}: ${variant.description}\n`);
  const profileDir = opts.profile ? join(PROFILES, variant.name) : undefined;
  if (profileDir !== undefined) rmSync(profileDir, { recursive: true, force: true });
  const database = await createBenchDatabase(opts.postgres, 'ledger_bench_e2e');
  let pipeline: Pipeline | undefined;
  try {
    pipeline = await startPipeline({
      databaseUrl: database.url,
      brokers: opts.brokers,
      namePrefix: 'bench-e2e',
      env: variant.env,
      distDir: variant.distDir,
      apps: profiledApps(variant, profileDir),
      readyTimeoutMs: 180_000,
    });
    const measured = await measure(pipeline, opts, database, as);
    await pipeline.stop();
    const profiles =
      profileDir === undefined
        ? undefined
        : Object.fromEntries(APPS.flatMap((app) => profilesIn(join(profileDir, app)).map((file) => [app, summariseProfile(file)])));
    return { variant: variant.name, round, description: variant.description, ...measured, profiles };
  } finally {
    await pipeline?.stop();
    await database.drop();
  }
}

const indent = (text: string) => text.replace(/^/gm, '    ');
const cell = (n: number) => (Number.isNaN(n) ? 'n/a' : n.toFixed(1));

/** The variant's name, and its round when there are several. */
function labelOf(r: VariantResult, rounds: number): string {
  return rounds > 1 ? `${r.variant} #${r.round}` : r.variant;
}

function report(results: readonly VariantResult[], rounds: number): void {
  const header = ['variant', 'measure', 'samples', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'mean ms'];
  const rows = results.flatMap((r) =>
    r.distributions.map((d) => [
      labelOf(r, rounds),
      d.measure,
      String(d.samples),
      cell(d.p50Ms),
      cell(d.p95Ms),
      cell(d.p99Ms),
      cell(d.maxMs),
      cell(d.meanMs),
    ]),
  );
  process.stdout.write(`\n${formatTable(header, rows)}\n`);
  for (const r of results) {
    process.stdout.write(
      `\n${labelOf(r, rounds)}: sent ${r.load.sent} in ${r.load.seconds.toFixed(1)} s (schedule lag p99 ${r.load.p99LagMs.toFixed(1)} ms, ` +
        `max ${r.load.maxLagMs.toFixed(1)} ms); failed commands ${r.failures.commands}, failed reads ${r.failures.reads}` +
        `${
          Object.keys(r.failures.causes).length === 0
            ? ''
            : ` (${Object.entries(r.failures.causes)
                .map(([cause, n]) => `${cause}: ${n}`)
                .join(', ')})`
        }\n` +
        `  CPU over the measured ${r.cpu.windowSeconds} s, ${r.cpu.commands} commands, ${r.cpu.cpus} CPUs:\n` +
        `${indent(formatTable(CPU_TABLE_HEADER, cpuTableRows(r.cpu)))}\n`,
    );
    process.stdout.write(`${indent(roundsReport(r.rounds))}\n`);
    process.stdout.write(`${indent(databaseReport(r.database, r.cpu.commands))}\n${indent(memoryReport(r.memory))}\n`);
    if (r.idle !== null) process.stdout.write(`${indent(idleReport(r.idle))}\n`);
    for (const [app, profile] of Object.entries(r.profiles ?? {})) {
      process.stdout.write(`  ${app} profile, self time by origin: ${profile.origins.map((o) => `${o.what} ${o.share}%`).join(', ')}\n`);
      for (const f of profile.functions.slice(0, 8)) process.stdout.write(`    ${String(f.share).padStart(5)}%  ${f.what}\n`);
    }
  }
}

const perCommand = (n: number, commands: number) => (commands === 0 ? 'n/a' : (n / commands).toFixed(3));

function databaseReport(activity: DatabaseActivity, commands: number): string {
  const head = `Postgres: ${activity.transactions} transactions in the bench database, ${perCommand(activity.transactions, commands)} per command`;
  if ('unavailable' in activity.statements) {
    return `${head}; statements per app need pg_stat_statements in shared_preload_libraries (${activity.statements.unavailable})`;
  }
  const rows = activity.statements.map((s) => [
    s.app,
    perCommand(s.calls, commands),
    perCommand(s.execMs, commands),
    perCommand(s.planMs, commands),
  ]);
  return `${head}\n${formatTable(['app', 'statements/command', 'exec ms/command', 'plan ms/command'], rows)}`;
}

function roundsReport(rounds: PipelineRounds): string {
  return (
    `relay: ${rounds.relayBatches} batches, ${rounds.eventsPerRelayBatch.toFixed(1)} events each; ` +
    `projector: ${rounds.projectorTransactions} transactions, ${rounds.messagesPerProjectorTransaction.toFixed(1)} events each`
  );
}

/** Milliseconds of CPU per second, each process and the machine, while the pipeline sat idle. */
function idleReport(idle: CpuAccount): string {
  const perSecond = (cores: number | null) => (cores === null ? 'n/a' : (cores * 1000).toFixed(1));
  const rows = idle.rows.filter((r) => !r.process.startsWith('unaccounted')).map((r) => [r.process, perSecond(r.cores)]);
  return `idle for ${idle.windowSeconds} s after the load, nothing sent, no stream open:\n${formatTable(['process', 'CPU ms per s'], rows)}`;
}

function memoryReport(memory: VariantResult['memory']): string {
  const mib = (n: number | undefined) => (n === undefined ? 'n/a' : n.toFixed(0));
  const rows = Object.entries(memory).map(([app, m]) => [app, mib(m?.rssMiB), mib(m?.peakMiB)]);
  return formatTable(['app', 'RSS MiB at the end', 'peak RSS MiB'], rows);
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.build) buildApps();
  const probe = await createBenchDatabase(opts.postgres, 'ledger_bench_e2e_probe');
  const machine = { ...(await machineInfo(probe.url).finally(() => probe.drop())), kafkaBrokerJit: brokerJit(opts.brokers) };
  const results: VariantResult[] = [];
  const caller = await benchCaller();
  try {
    for (let round = 1; round <= opts.rounds; round += 1) {
      for (const variant of opts.variants) results.push(await runVariant(variant, round, opts, caller));
    }
  } finally {
    caller.stop();
  }
  report(results, opts.rounds);
  const summary = opts.rounds > 1 ? summariseRounds(results.map((r) => roundFigures(r.variant, r.distributions, r.cpu))) : undefined;
  if (summary !== undefined) {
    process.stdout.write(
      `\nover ${opts.rounds} rounds, the variants in turn: median (range)\n${formatTable(ROUNDS_TABLE_HEADER, roundsTableRows(summary))}\n`,
    );
  }
  process.stdout.write(
    `\ntargets: 201 -> visible p50 < ${TARGETS.p50Ms} ms, p99 < ${TARGETS.p99Ms} ms. ${machine.cpus} CPUs (${machine.cpuModel}), ` +
      `load average ${machine.loadAverage1m} at start, node ${machine.node}, PostgreSQL ${machine.postgres}, ` +
      `Kafka broker's JIT ${machine.kafkaBrokerJit ?? 'unknown'} (LEDGER_KAFKA_JIT); ` +
      `the four apps, Postgres, Kafka and the load generator share the CPUs\n`,
  );
  mkdirSync(join(RESULTS, '..'), { recursive: true });
  const settings = {
    ratePerSecond: opts.rate,
    durationSeconds: opts.durationMs / 1000,
    warmupSeconds: opts.warmupMs / 1000,
    warmupCommands: opts.warmupCommands,
    warmupRatePerSecond: opts.warmupRate,
    idleSeconds: opts.idleMs / 1000,
    accounts: opts.accounts,
    reads: opts.reads,
    profiled: opts.profile,
    rounds: opts.rounds,
  };
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ benchmark: 'e2e-latency', machine, settings, targets: TARGETS, results, summary }, null, 2)}\n`,
  );
  process.stdout.write(`wrote ${RESULTS}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:e2e failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
