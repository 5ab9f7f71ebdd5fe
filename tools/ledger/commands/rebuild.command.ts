/**
 * `npm run ledger -- rebuild`: every read model rebuilt from the event store beside the live tables,
 * then swapped in while the query service keeps answering. Stands alone too:
 * `node -r @swc-node/register tools/ledger/commands/rebuild.command.ts --help`.
 */
import { countStoredEvents, readCommittedBatch } from '@ledger/event-store';
import { messageOf } from '@ledger/platform';
import { integerOption, parseOptions } from '@ledger/tooling';
import {
  DEFAULT_REBUILD_TUNING,
  RebuildAlreadyRunningError,
  rebuildReadModels,
  type RebuildProgress,
  type RebuildResult,
} from '@ledger/read-model-operations';
import { Client, Pool } from 'pg';
import { plural } from '../command-context';
import { EXIT, type ExitCode } from '../exit-codes';
import { ledgerConfigOrReport } from '../ledger.config';
import { printable, printJson, processTerminal, type Terminal } from '../ledger.output';

const MIN_BATCH = 100;
const MAX_BATCH = 100_000;
const MAX_ACTOR_LENGTH = 100;
/** How often the progress line is redrawn on a TTY. */
const REDRAW_MS = 250;

export const REBUILD_HELP = [
  'Usage: npm run ledger -- rebuild [--batch <n>] [--actor <name>] [--json]',
  '',
  'Rebuilds read_model.accounts and read_model.account_transactions from the event store without',
  'downtime: fresh tables are loaded beside the live ones, caught up, and swapped in by renames in one',
  "short transaction. Queries keep being answered throughout; the projector's writes wait only for the",
  'final tail and the swap, then continue from Kafka, its version guard skipping what the rebuild applied.',
  'Dead letters and parked accounts are left as they are. One rebuild at a time.',
  '',
  `  --batch <n>            events per read while loading (${MIN_BATCH} to ${MAX_BATCH}, default ${DEFAULT_REBUILD_TUNING.loadChunk})`,
  '  --actor <name>         who is acting, recorded with the action (default: $USER)',
  '  --json                 print the result as JSON (for scripts) instead of text',
  '',
  'On a terminal, progress (phase, events/s, ETA) is shown on stderr while it runs.',
  '',
  'Exit status: 0 rebuilt, 1 failed or another rebuild is running (nothing was swapped), 2 bad',
  'arguments, 3 rebuilt but some accounts stop at an event this release cannot project, 78 bad environment.',
].join('\n');

interface RebuildArguments {
  readonly json: boolean;
  readonly batch: number;
  readonly actor?: string;
}

export async function rebuildCommand(
  argv: readonly string[],
  terminal: Terminal = processTerminal(),
  env: NodeJS.ProcessEnv = process.env,
  progressLine: ProgressLine = stderrProgressLine(),
): Promise<ExitCode> {
  const parsed = parseRebuildArguments(argv);
  if (parsed === 'help') {
    terminal.out(REBUILD_HELP);
    return EXIT.ok;
  }
  if (typeof parsed === 'string') {
    terminal.err(`ledger rebuild: ${printable(parsed)}\n\n${REBUILD_HELP}`);
    return EXIT.usage;
  }
  const config = ledgerConfigOrReport(env, (message) => terminal.err(message));
  if (config === null) return EXIT.config;

  // The rebuild's session and its failure record; the store is read on a session of its own.
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 2, application_name: 'ledger-rebuild' });
  pool.on('error', () => undefined);
  const store = new Client({ connectionString: config.eventStoreUrl(), application_name: 'ledger-rebuild-reader' });
  store.on('error', () => undefined);
  try {
    await store.connect();
    const result = await rebuildReadModels({
      pool,
      readEvents: (after, limit) => readCommittedBatch(store, after, limit),
      countEvents: () => countStoredEvents(store),
      performedBy: parsed.actor ?? config.USER ?? 'unknown',
      onProgress: progressLine.show,
      tuning: { loadChunk: parsed.batch },
    });
    progressLine.done();
    if (parsed.json) printJson(terminal, { action: 'rebuild', ...result });
    else terminal.out(describeRebuild(result));
    return result.unappliableEvents > 0 ? EXIT.unresolved : EXIT.ok;
  } catch (error) {
    progressLine.done();
    const message = error instanceof RebuildAlreadyRunningError ? `${error.message}; nothing was changed` : messageOf(error);
    terminal.err(`ledger rebuild: ${printable(message)}`);
    return EXIT.failed;
  } finally {
    await store.end().catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
}

/** The arguments, `'help'`, or why they are wrong. */
export function parseRebuildArguments(argv: readonly string[]): RebuildArguments | 'help' | string {
  const values = parseOptions(argv, {
    batch: { type: 'string' },
    actor: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (typeof values === 'string') return values;
  if (values['help'] === true) return 'help';
  const batch = integerOption('batch', values['batch'], { min: MIN_BATCH, max: MAX_BATCH }, DEFAULT_REBUILD_TUNING.loadChunk);
  if (typeof batch === 'string') return batch;
  const actor = typeof values['actor'] === 'string' ? values['actor'].trim() : undefined;
  if (actor !== undefined && (actor.length === 0 || actor.length > MAX_ACTOR_LENGTH || /\p{Cc}/u.test(actor))) {
    return `--actor must be 1 to ${MAX_ACTOR_LENGTH} printable characters`;
  }
  return { json: values['json'] === true, batch, ...(actor === undefined ? {} : { actor }) };
}

export function describeRebuild(result: RebuildResult): string {
  const lines = [
    `Rebuilt the read models from the event store: ${counted(result.events, 'event')} into ${counted(result.accounts, 'account')} ` +
      `in ${result.seconds.toFixed(1)} s (${Math.round(result.eventsPerSecond).toLocaleString('en-US')} events/s).`,
    `Swapped in on attempt ${result.swapAttempts}; the projector's writes waited ${Math.round(result.lockedMs)} ms, queries did not.` +
      (result.oldTablesDropped ? '' : ' The old tables were still in use and are left for the next rebuild to drop.'),
  ];
  if (result.unappliableEvents > 0) {
    const shown = result.stuckAccounts.slice(0, 10).join(', ');
    const more = result.stuckAccounts.length > 10 ? ` and ${result.stuckAccounts.length - 10} more` : '';
    lines.push(
      `${counted(result.unappliableEvents, 'event')} could not be projected by this release; ` +
        `${counted(result.stuckAccounts.length, 'account')} stop before them: ${shown}${more}.`,
    );
  }
  lines.push(`Recorded as operator action ${result.operatorActionId}.`);
  return lines.join('\n');
}

/** `1,000,000 events`: the count grouped, the noun in the plural unless one. */
function counted(count: number, noun: string): string {
  return plural(count, noun).replace(/^\d+/, count.toLocaleString('en-US'));
}

/** Where progress goes while the rebuild runs: one redrawn line on a terminal, nothing elsewhere. */
export interface ProgressLine {
  readonly show: (progress: RebuildProgress) => void;
  readonly done: () => void;
}

function stderrProgressLine(): ProgressLine {
  if (process.stderr.isTTY !== true) return { show: () => undefined, done: () => undefined };
  let drawnAt = 0;
  let phase = '';
  let drawn = false;
  return {
    show: (progress) => {
      const now = Date.now();
      if (progress.phase === phase && now - drawnAt < REDRAW_MS) return;
      drawnAt = now;
      phase = progress.phase;
      drawn = true;
      process.stderr.write(`\r${formatProgress(progress)}\u001b[K`);
    },
    done: () => {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

/** `load  412,000 / 1,000,000 events  27,345 events/s  ETA 21 s` */
export function formatProgress(progress: RebuildProgress): string {
  const count = (n: number) => Math.round(n).toLocaleString('en-US');
  const of = progress.totalEstimate === null ? '' : ` / ${count(progress.totalEstimate)}`;
  const eta = progress.etaSeconds === null || progress.phase === 'done' ? '' : `  ETA ${Math.ceil(progress.etaSeconds)} s`;
  return `rebuild ${progress.phase.padEnd(8)} ${count(progress.events)}${of} events  ${count(progress.eventsPerSecond)} events/s${eta}`;
}

if (require.main === module) {
  rebuildCommand(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`ledger rebuild: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
