import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { consoleLine, prefixOf } from './app-output.mjs';
import { repoRoot } from './paths.mjs';

const LINE = JSON.stringify({ level: 30, time: 0, pid: 1, hostname: 'h', msg: 'request completed' });

test('off a terminal a line is shown as the app wrote it', async () => {
  const display = await consoleLine(false);
  assert.equal(display(LINE), LINE);
});

test('at a terminal a JSON line is pretty-printed, anything else left alone', async () => {
  const display = await consoleLine(true);
  assert.match(display(LINE), /INFO.*request completed/);
  assert.doesNotMatch(display(LINE), /"level"/);
  assert.equal(display('plain text'), 'plain text');
  assert.equal(display('{not json'), '{not json');
});

test('tools/app-output.mjs prefixes each line on the console and keeps it as written in the log file', () => {
  const logFile = join(mkdtempSync(join(tmpdir(), 'app-output-')), 'command.log');
  const run = spawnSync(process.execPath, [join(repoRoot, 'tools/app-output.mjs'), 'command', logFile], {
    input: `${LINE}\nsecond line\n`,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, `${prefixOf('command')}${LINE}\n${prefixOf('command')}second line\n`);
  assert.equal(readFileSync(logFile, 'utf8'), `${LINE}\nsecond line\n`);
});

test('tools/app-output.mjs refuses to run without an app and a log file', () => {
  const run = spawnSync(process.execPath, [join(repoRoot, 'tools/app-output.mjs')], { encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /usage/);
});
