// What an install may not do: change a tracked file. A newcomer's tree must be clean after `npm test`, and
// a lockfile that npm rewrites here is one the repository should have committed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files `npm install` may rewrite. */
export const INSTALL_TRACKED_FILES = Object.freeze(['package.json', 'package-lock.json']);

/**
 * Each file's `git status --porcelain` line and content hash, or undefined outside a git checkout
 * (an unpacked archive has nothing to compare with). Hashes matter: a file already modified before
 * the install keeps the same status line when the install modifies it again.
 */
export function trackedFilesState(root, files = INSTALL_TRACKED_FILES) {
  let porcelain;
  try {
    porcelain = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', ...files], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
  const statusOf = new Map(
    porcelain
      .split('\n')
      .filter((line) => line.length > 3)
      .map((line) => [line.slice(3), line.slice(0, 2)]),
  );
  return Object.fromEntries(
    files.map((file) => {
      const path = join(root, file);
      const hash = existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'absent';
      return [file, { status: statusOf.get(file) ?? 'clean', hash }];
    }),
  );
}

/** The files whose status or content differs between two snapshots of trackedFilesState. */
export function filesChangedBetween(before, after) {
  if (!before || !after) return [];
  return Object.keys(after).filter((file) => {
    const was = before[file];
    const is = after[file];
    return !was || was.status !== is.status || was.hash !== is.hash;
  });
}

/** The message a test run stops with when installing changed tracked files, or undefined when it changed none. */
export function installChangedFilesMessage(changed) {
  if (changed.length === 0) return undefined;
  return [
    `npm install changed tracked files: ${changed.join(', ')}.`,
    'A fresh checkout must install without changing them: commit what npm wrote (see `git diff` of those files),',
    'or restore them (`git checkout -- <file>`) if the change is not meant to be kept.',
  ].join('\n');
}
