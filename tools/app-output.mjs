#!/usr/bin/env node
// `node tools/app-output.mjs <app> <log file> [--terminal]`: one app's output, read from stdin, handled
// as `npm start` handles it (tools/lib/app-output.mjs), in a process of its own: so that a benchmark
// can run the apps as a user gets them and count what their logging costs. `--terminal` shows the
// lines as at a terminal (pretty-printed) whatever stdout is.
import { parseArgs } from 'node:util';
import { consoleLine, forwardOutput } from './lib/app-output.mjs';

const { values, positionals } = parseArgs({ options: { terminal: { type: 'boolean', default: false } }, allowPositionals: true });
const [name, logFile] = positionals;
if (name === undefined || logFile === undefined) {
  console.error('usage: node tools/app-output.mjs <app> <log file> [--terminal]');
  process.exit(2);
}
const file = forwardOutput([process.stdin], { name, display: await consoleLine(values.terminal || process.stdout.isTTY), logFile });
process.stdin.once('end', () => file.end());
