import type { DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat } from '../config/common-config';

/**
 * Where pino writes: JSON lines to stdout (undefined = pino's default) for collectors and files, or
 * pino-pretty in-process (no worker thread) for a person at a terminal.
 */
export function logDestination(
  format: LogFormat,
  stdoutIsTerminal: boolean,
  output: NodeJS.WritableStream = process.stdout,
): DestinationStream | undefined {
  const readable = format === 'pretty' || (format === 'auto' && stdoutIsTerminal);
  if (!readable) return undefined;
  return pretty({
    colorize: stdoutIsTerminal,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    destination: output,
    sync: true,
  });
}
