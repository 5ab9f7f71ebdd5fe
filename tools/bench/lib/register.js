// Runs a TypeScript benchmark with ts-node (transpile only) and resolves `@ledger/*` imports to the
// libs' sources. tsconfig-paths is given the paths directly: its own lookup would need a baseUrl,
// which TypeScript 6 deprecates.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..', '..');
require('ts-node').register({
  project: join(__dirname, '..', 'tsconfig.json'),
  transpileOnly: true,
});
const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
require('tsconfig-paths').register({
  baseUrl: root,
  paths: base.compilerOptions.paths,
});
