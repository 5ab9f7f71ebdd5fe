/**
 * Runs an app's real main.ts from TypeScript sources in a child process, for the tests that kill it:
 * `node -r ts-node/register/transpile-only libs/testing/src/lib/app-process.ts apps/<app>/src/main.ts`.
 * The workspace's `@ledger/*` aliases (tsconfig.base.json paths) are mapped before main.ts loads.
 * Any further arguments are passed on to main.ts as its own.
 */
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');
const main = process.argv[2];
if (main === undefined) {
  process.stderr.write('usage: app-process.ts <path of the app main.ts> [arguments of the app]\n');
  process.exit(2);
}
const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const aliases = new Map(Object.entries(base.compilerOptions.paths).map(([alias, [target]]) => [alias, join(root, target ?? '')]));
type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolveFilename = loader._resolveFilename;
loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  return resolveFilename.call(this, aliases.get(request) ?? request, ...rest);
};

// main.ts reads its own arguments from argv[2] on, as when started directly.
process.argv.splice(2, 1);
void import(resolve(root, main));
