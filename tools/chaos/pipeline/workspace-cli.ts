import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, TYPESCRIPT_NODE_ARGS, type ManagedProcess } from '@ledger/tooling';
import { repoRoot } from '../infra/repo-paths';

export const LOAD_CLI = join(repoRoot, 'tools', 'load', 'load.cli.ts');
export const LEDGER_CLI = join(repoRoot, 'tools', 'ledger', 'ledger.cli.ts');

/**
 * A workspace CLI as a child process with a shell's clean environment plus `env` (the run's own
 * database), its output in `logFile`.
 */
export function startWorkspaceCli(script: string, args: readonly string[], env: NodeJS.ProcessEnv, logFile: string): ManagedProcess {
  return startProcess(process.execPath, [...TYPESCRIPT_NODE_ARGS, script, ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    logFile,
    cwd: repoRoot,
  });
}

/** The last lines of a log file, to show what a child printed. */
export function tailOf(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
