// What `npm start` does with each app's output: the console gets every line prefixed with the app's
// name (pretty-printed at a terminal), the app's log file gets it as written (JSON).
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { importPackage } from './modules.mjs';

/**
 * How an app's log line is shown on the console: the apps write JSON (their stdout is a pipe), which stays
 * as is in the log files; a person at a terminal reads it through pino-pretty.
 */
export async function consoleLine(terminal = process.stdout.isTTY) {
  const pretty = terminal ? await importPackage('pino-pretty') : undefined;
  if (!pretty) return (line) => line;
  const format = pretty.prettyFactory({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
  });
  return (line) => {
    if (!line.startsWith('{')) return line;
    try {
      return format(JSON.parse(line)).trimEnd();
    } catch {
      return line;
    }
  };
}

/** The console's prefix for an app's lines, e.g. `[command]   `. */
export const prefixOf = (name) => `[${name}]`.padEnd(12);

/** Forwards each line of `streams` to the console (prefixed, through `display`) and to `logFile`; returns the file's stream. */
export function forwardOutput(streams, { name, display, logFile }) {
  mkdirSync(dirname(logFile), { recursive: true });
  const file = createWriteStream(logFile, { flags: 'a' });
  const prefix = prefixOf(name);
  for (const stream of streams) {
    createInterface({ input: stream }).on('line', (line) => {
      console.log(`${prefix}${display(line)}`);
      file.write(line + '\n');
    });
  }
  return file;
}
