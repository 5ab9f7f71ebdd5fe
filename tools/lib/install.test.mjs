// node --test: tools/stack.mjs runs before anything is installed or built, so its modules are tested by node itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { filesChangedBetween, installChangedFilesMessage, trackedFilesState } from './install.mjs';

describe('filesChangedBetween', () => {
  const state = (status, hash) => ({ status, hash });

  it('given the same status and content, then nothing changed', () => {
    const snapshot = { 'package-lock.json': state('clean', 'a') };
    assert.deepEqual(filesChangedBetween(snapshot, { 'package-lock.json': state('clean', 'a') }), []);
  });

  it('given a file modified again while already modified, then the content tells', () => {
    const before = { 'package-lock.json': state(' M', 'a'), 'package.json': state('clean', 'b') };
    const after = { 'package-lock.json': state(' M', 'c'), 'package.json': state('clean', 'b') };
    assert.deepEqual(filesChangedBetween(before, after), ['package-lock.json']);
  });

  it('given no snapshot (not a git checkout), then nothing is reported', () => {
    assert.deepEqual(filesChangedBetween(undefined, undefined), []);
  });
});

describe('installChangedFilesMessage', () => {
  it('given changed files, then it names them and says what to do', () => {
    const message = installChangedFilesMessage(['package-lock.json']);
    assert.match(message, /npm install changed tracked files: package-lock\.json/);
    assert.match(message, /commit what npm wrote/);
  });

  it('given none, then there is no message', () => {
    assert.equal(installChangedFilesMessage([]), undefined);
  });
});

describe('trackedFilesState in a git checkout', () => {
  let repo;
  const git = (...args) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: repo });

  before(() => {
    repo = mkdtempSync(join(tmpdir(), 'install-check-'));
    git('init', '-q');
    writeFileSync(join(repo, 'package.json'), '{}\n');
    writeFileSync(join(repo, 'package-lock.json'), '{"lockfileVersion":3}\n');
    git('add', '.');
    git('commit', '-q', '-m', 'initial');
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  it('given an install that rewrites the lockfile, then the lockfile is the changed file', () => {
    const before = trackedFilesState(repo);
    writeFileSync(join(repo, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n');
    assert.deepEqual(filesChangedBetween(before, trackedFilesState(repo)), ['package-lock.json']);
  });

  it('given an install that changes nothing, then no file is reported', () => {
    const before = trackedFilesState(repo);
    assert.deepEqual(filesChangedBetween(before, trackedFilesState(repo)), []);
  });

  it('given a folder outside any git checkout, then there is no state to compare', () => {
    const outside = mkdtempSync(join(tmpdir(), 'install-check-outside-'));
    try {
      assert.equal(trackedFilesState(outside), undefined);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
