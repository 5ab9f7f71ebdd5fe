/**
 * Runs the real relay (main.ts) from TypeScript sources in a child process, for the tests that kill
 * it: `node -r ts-node/register/transpile-only apps/relay/src/testing/relay-process.ts`.
 * The workspace's `@ledger/*` aliases (tsconfig.base.json paths) are mapped before main.ts loads.
 */
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');
const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const aliases = new Map(
  Object.entries(base.compilerOptions.paths).map(([alias, [target]]) => [alias, join(root, target ?? '')]),
);
type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolveFilename = loader._resolveFilename;
loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  return resolveFilename.call(this, aliases.get(request) ?? request, ...rest);
};

void import('../main');
