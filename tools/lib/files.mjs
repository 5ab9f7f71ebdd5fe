// Small file helpers shared by the infrastructure modules.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { repoRoot } from './paths.mjs';

export function sha256Of(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function sizeOf(file) {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The text appended to `file` after byte `offset` (all of it when the file was rotated since). */
export function readFrom(file, offset) {
  const size = sizeOf(file);
  const start = size < offset ? 0 : offset;
  if (size === start) return '';
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The last `lines` lines of a file, for error messages. */
export function tailOf(file, lines = 40) {
  const text = readFrom(file, Math.max(0, sizeOf(file) - 64 * 1024));
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}

/** A path as shown to people: relative to the repository root when inside it. */
export function shown(path) {
  const rel = relative(repoRoot, path);
  return rel.startsWith('..') ? path : rel;
}
