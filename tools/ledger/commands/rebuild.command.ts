import { EXIT, type ExitCode } from '../exit-codes';
import type { Terminal } from '../ledger.output';

/** Placeholder until the rebuild lands: `npm run ledger -- rebuild ...` is dispatched here. */
export async function rebuildCommand(_argv: readonly string[], terminal: Terminal, _env: NodeJS.ProcessEnv): Promise<ExitCode> {
  terminal.err('ledger rebuild: not available in this build');
  return EXIT.failed;
}
