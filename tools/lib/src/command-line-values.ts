import { parseArgs, type ParseArgsConfig } from 'node:util';
import { messageOf } from '@ledger/platform';

export type CommandLineOptions = NonNullable<ParseArgsConfig['options']>;
export type CommandLineValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/** The options of `argv` (strictly: unknown options and positional arguments are refused), or why not. */
export function parseOptions(argv: readonly string[], options: CommandLineOptions): CommandLineValues | string {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    return messageOf(error);
  }
}

export interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

/**
 * A command-line option's value as an integer in the range: plain decimal digits only (no sign,
 * exponent or fraction), `fallback` when the option is absent, and without a fallback a message that
 * it is required. Anything else is the message saying why, for the tool to print with its usage.
 */
export function integerOption(name: string, value: unknown, range: IntegerRange, fallback?: number): number | string {
  if (value === undefined) return fallback ?? `--${name} is required`;
  const text = String(value);
  const parsed = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(parsed) && parsed >= range.min && parsed <= range.max
    ? parsed
    : `--${name} must be an integer from ${range.min} to ${range.max}, got ${quoteArgument(text)}`;
}

/** Quoted, and cut short: an argument is echoed back, never trusted to be small or printable. */
export function quoteArgument(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}
