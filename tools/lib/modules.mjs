// Optional access to the workspace's npm packages: these scripts must also run before `npm install`.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths.mjs';

const requireFromRepo = createRequire(join(repoRoot, 'package.json'));

/** The resolved file of an installed package, or undefined when it is not installed. */
export function resolvePackage(name) {
  try {
    return requireFromRepo.resolve(name);
  } catch {
    return undefined;
  }
}

/** Imports an installed package (CommonJS or ESM), or returns undefined when it is not installed. */
export async function importPackage(name) {
  const file = resolvePackage(name);
  if (!file) return undefined;
  const module = await import(pathToFileURL(file).href);
  return module.default ?? module;
}
