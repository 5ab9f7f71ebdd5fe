/**
 * `npm run chaos`: the pipeline under load while its processes are killed and its broker and
 * database restart, then a check that nothing acknowledged was lost, doubled or reordered.
 * `--help` lists the options.
 */
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { messageOf } from '@ledger/platform';
import { parseChaosArguments } from './chaos-arguments.parser';
import { formatReport } from './chaos.report';
import { runChaos } from './chaos.run';

export const CHAOS_EXIT = { passed: 0, violated: 1, usage: 2, notCarriedOut: 3 } as const;

async function main(argv: readonly string[]): Promise<number> {
  const invocation = parseChaosArguments(argv, () => randomInt(0, 2 ** 31));
  if (invocation.kind === 'help') {
    process.stdout.write(`${invocation.text}\n`);
    return CHAOS_EXIT.passed;
  }
  if (invocation.kind === 'usage-error') {
    process.stderr.write(`chaos: ${invocation.message}\n\n${invocation.help}\n`);
    return CHAOS_EXIT.usage;
  }
  const { options } = invocation;
  // A Ctrl-C ends the run through its own clean-up (the apps, the broker and the database it started).
  const interruption = new AbortController();
  const interrupt = () => {
    if (interruption.signal.aborted) process.exit(130);
    interruption.abort();
    process.stderr.write('chaos: interrupted, stopping what the run started; a second Ctrl-C exits at once (killing it)\n');
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  const { report, violations } = await runChaos(options, (line) => process.stdout.write(`${line}\n`), interruption.signal);
  process.stdout.write(`\n${formatReport(report, violations)}\n`);
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify({ ...report, violations }, null, 2)}\n`);
  if (violations.length === 0) return CHAOS_EXIT.passed;
  return report.aborted !== undefined && report.load === undefined ? CHAOS_EXIT.notCarriedOut : CHAOS_EXIT.violated;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`chaos: ${messageOf(error)}\n`);
      process.exit(CHAOS_EXIT.notCarriedOut);
    },
  );
}
