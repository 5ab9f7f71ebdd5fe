/**
 * The ops CLI: `npm run ledger -- <command>` (`--help` lists the commands). Dead letters and parked
 * accounts, and the operator actions on them; `rebuild` rebuilds every read model without downtime;
 * `verify` checks the read models against the event store; `token` prints a development access token.
 */
import { messageOf } from '@ledger/platform';
import { Pool } from 'pg';
import type { CommandContext } from './command-context';
import { deadLettersCommand } from './commands/dead-letters.command';
import { healCommand } from './commands/heal.command';
import { parkedCommand } from './commands/parked.command';
import { rebuildCommand } from './commands/rebuild.command';
import { redriveCommand } from './commands/redrive.command';
import { skipCommand } from './commands/skip.command';
import { tokenCommand } from './commands/token.command';
import { verifyCommand } from './commands/verify.command';
import { EXIT } from './exit-codes';
import { parseLedgerArguments, type LedgerCommand } from './ledger-arguments.parser';
import { ledgerConfigOrReport, type LedgerConfig } from './ledger.config';
import { printable, processTerminal, type Terminal } from './ledger.output';

/** One action at a time: a connection for it, one for its failure record. */
const POOL_SIZE = 2;

export async function runLedger(argv: readonly string[], terminal: Terminal, env: NodeJS.ProcessEnv): Promise<number> {
  const invocation = parseLedgerArguments(argv);
  switch (invocation.kind) {
    case 'help':
      terminal.out(invocation.text);
      return EXIT.ok;
    case 'usage-error':
      terminal.err(`ledger: ${printable(invocation.message)}\n\n${invocation.help}`);
      return EXIT.usage;
    case 'rebuild':
      return rebuildCommand(invocation.argv, terminal, env);
    case 'command':
      return invocation.command.name === 'token'
        ? tokenCommand(invocation.command, terminal, env)
        : runCommand(invocation.command, terminal, env);
  }
}

/** The commands that act on the database. */
type DatabaseCommand = Exclude<LedgerCommand, { readonly name: 'token' }>;

async function runCommand(command: DatabaseCommand, terminal: Terminal, env: NodeJS.ProcessEnv): Promise<number> {
  const config = ledgerConfigOrReport(env, (message) => terminal.err(message));
  if (config === null) return EXIT.config;
  const pools: Pool[] = [];
  const open = (url: string): Pool => {
    const pool = new Pool({ connectionString: url, max: POOL_SIZE, application_name: 'ledger-cli' });
    pool.on('error', () => undefined);
    pools.push(pool);
    return pool;
  };
  const readModel = open(config.DATABASE_URL);
  let eventStore: Pool | undefined;
  const context: CommandContext = {
    terminal,
    readModel,
    eventStore: () => (eventStore ??= config.eventStoreUrl() === config.DATABASE_URL ? readModel : open(config.eventStoreUrl())),
    actor: actorOf(command, config),
  };
  try {
    return await dispatch(command, context);
  } catch (error) {
    terminal.err(`ledger ${command.name}: ${printable(messageOf(error))}`);
    return EXIT.failed;
  } finally {
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
  }
}

function dispatch(command: DatabaseCommand, context: CommandContext): Promise<number> {
  switch (command.name) {
    case 'dead-letters':
      return deadLettersCommand(command, context);
    case 'parked':
      return parkedCommand(command, context);
    case 'redrive':
      return redriveCommand(command, context);
    case 'heal':
      return healCommand(command, context);
    case 'skip':
      return skipCommand(command, context);
    case 'verify':
      return verifyCommand(command, context);
  }
}

function actorOf(command: DatabaseCommand, config: LedgerConfig): string {
  const given = 'actor' in command ? command.actor : undefined;
  return given ?? config.USER ?? 'unknown';
}

if (require.main === module) {
  runLedger(process.argv.slice(2), processTerminal(), process.env).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`ledger: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
