/**
 * `npm run bench:read-your-writes [-- --rate 200 --duration 20 --accounts 500 --no-build]`
 *
 * The four apps as separate processes. At a steady rate, a deposit goes to the command service; as
 * soon as its 201 arrives, the query service is asked for the account with `minVersion` = the new
 * version. The time from the 201 to the 200 is what a client waits to read its own write across the
 * relay, Kafka and the projector. The baseline in the same run: a plain read of the same account
 * (no wait), which is what the query service costs by itself.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createBenchDatabase, DEFAULT_SERVER_URL } from '../lib/bench-database';
import { positiveNumber } from '../lib/bench-options';
import { percentile } from '../lib/closed-loop';
import { benchCaller } from '../lib/bench-caller';
import { getStatus, openAccounts, postJson } from '../lib/command-http';
import { machineInfo } from '../lib/machine-info';
import { openLoop } from '../lib/open-loop';
import { buildApps, startPipeline } from '../lib/pipeline';
import { formatTable } from '../lib/table';

const ROOT = join(__dirname, '..', '..', '..');
const RESULTS = join(ROOT, 'tools', 'bench', 'results', 'read-your-writes.json');

function options() {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '200' },
      duration: { type: 'string', default: '20' },
      accounts: { type: 'string', default: '500' },
      brokers: { type: 'string', default: '127.0.0.1:9092' },
      'no-build': { type: 'boolean', default: false },
    },
  });
  return {
    rate: positiveNumber('rate', values.rate),
    durationMs: positiveNumber('duration', values.duration) * 1000,
    accounts: Math.round(positiveNumber('accounts', values.accounts)),
    brokers: values.brokers,
    build: !values['no-build'],
  };
}

interface Samples {
  readonly name: string;
  readonly ms: number[];
  failures: number;
}

function summary(samples: Samples): string[] {
  const sorted = Float64Array.from(samples.ms).sort();
  const at = (p: number) => (sorted.length === 0 ? 'n/a' : percentile(sorted, p).toFixed(1));
  return [
    samples.name,
    String(sorted.length),
    at(50),
    at(95),
    at(99),
    sorted.length ? (sorted[sorted.length - 1] as number).toFixed(1) : 'n/a',
    String(samples.failures),
  ];
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.build) buildApps();
  // As the ledger-bench service; its token first, so a missing issuer stops the run before anything starts.
  const caller = await benchCaller();
  const database = await createBenchDatabase(DEFAULT_SERVER_URL, 'ledger_bench_ryw');
  const pipeline = await startPipeline({ databaseUrl: database.url, brokers: opts.brokers }).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  const command = pipeline.command.baseUrl;
  const query = pipeline.query.baseUrl;
  const waits: Samples = { name: 'read with minVersion, from 201 to 200', ms: [], failures: 0 };
  const commands: Samples = { name: 'deposit (command service alone)', ms: [], failures: 0 };
  const plain: Samples = { name: 'plain read, no wait (baseline)', ms: [], failures: 0 };
  try {
    const machine = await machineInfo(database.url);
    process.stdout.write(`opening ${opts.accounts} accounts...\n`);
    const accounts = await openAccounts(command, opts.accounts, caller);
    process.stdout.write(`deposits at ${opts.rate}/s for ${opts.durationMs / 1000} s, each read back with minVersion...\n`);
    const one = async (accountId: string) => {
      const sent = performance.now();
      const deposit = await postJson(`${command}/accounts/${accountId}/deposits`, { amount: 1 }, caller);
      const acknowledged = performance.now();
      if (deposit.status !== 201) {
        commands.failures += 1;
        return;
      }
      commands.ms.push(acknowledged - sent);
      const read = await getStatus(`${query}/accounts/${accountId}?minVersion=${deposit.body.version}&waitMs=10000`, caller);
      if (read === 200) waits.ms.push(performance.now() - acknowledged);
      else waits.failures += 1;
      const plainStart = performance.now();
      const again = await getStatus(`${query}/accounts/${accountId}`, caller);
      if (again === 200) plain.ms.push(performance.now() - plainStart);
      else plain.failures += 1;
    };
    await openLoop(opts.rate, opts.durationMs, (n) =>
      one(accounts[n % accounts.length] as string).catch(() => {
        commands.failures += 1;
      }),
    );
    const header = ['measure', 'samples', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'failed'];
    process.stdout.write(`\n${formatTable(header, [summary(waits), summary(plain), summary(commands)])}\n`);
    process.stdout.write(
      `\n${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, PostgreSQL ${machine.postgres}; ` +
        `the four apps, Postgres, Kafka and the load generator share the CPUs\n`,
    );
    const figures = (s: Samples) => {
      const sorted = Float64Array.from(s.ms).sort();
      return {
        measure: s.name,
        samples: sorted.length,
        failed: s.failures,
        p50Ms: Number(percentile(sorted, 50).toFixed(2)),
        p95Ms: Number(percentile(sorted, 95).toFixed(2)),
        p99Ms: Number(percentile(sorted, 99).toFixed(2)),
        maxMs: Number((sorted[sorted.length - 1] ?? Number.NaN).toFixed(2)),
      };
    };
    mkdirSync(join(RESULTS, '..'), { recursive: true });
    writeFileSync(
      RESULTS,
      `${JSON.stringify(
        {
          benchmark: 'read-your-writes',
          machine,
          settings: { ratePerSecond: opts.rate, durationSeconds: opts.durationMs / 1000, accounts: opts.accounts },
          results: [figures(waits), figures(plain), figures(commands)],
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`wrote ${RESULTS}\n`);
  } finally {
    caller.stop();
    await pipeline.stop();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:read-your-writes failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
