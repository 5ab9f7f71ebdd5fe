import { integerOption, parseOptions, quoteArgument, type CommandLineValues } from '@ledger/tooling';
import type { LoadOptions } from './load.run';

/** The run's options as given on the command line, and where to write its records. */
export interface LoadArguments extends Omit<LoadOptions, 'onAcknowledgement' | 'signal' | 'authorization'> {
  readonly ackLog?: string;
  readonly json?: string;
  /** The bearer token every request carries; without it the run fetches a service token. */
  readonly token?: string;
}

export const LOAD_HELP = [
  'Usage: npm run load -- --rate <n> --duration <s> [--seed <n>] [--accounts <n>] [--command-url <url>]',
  '                       [--ack-log <file>] [--json <file>] [--max-in-flight <n>] [--timeout-ms <ms>]',
  '                       [--token <jwt>]',
  '',
  'Drives the command service over HTTP with a realistic, seeded mix: opens, deposits, withdrawals (some',
  'beyond the balance), freezes, unfreezes, closes; some requests with an Idempotency-Key, sent twice',
  '(the second answer must replay the first), some with If-Match, some stale on purpose (412). Open',
  "loop: requests go out at the rate whatever the answers, up to the in-flight cap; one account's",
  'requests go one after another. Errors and outages are counted, never fatal. The same seed sends the',
  'same requests (and opens the same account ids: a second run of a seed on the same store is refused).',
  '',
  '  --rate <n>             commands per second (1 to 10000)',
  '  --duration <s>         seconds to send for (1 to 86400)',
  '  --seed <n>             0 to 4294967295 (default: a random one, printed)',
  '  --accounts <n>         accounts to open and use (1 to 1000000, default 500)',
  '  --command-url <url>    the command service (default http://127.0.0.1:3001)',
  '  --ack-log <file>       append one NDJSON line per acknowledged command (and per command of unknown',
  '                         outcome) for `npm run ledger -- verify --acks <file>`',
  '  --json <file>          write the summary as JSON too',
  '  --max-in-flight <n>    requests in flight at most (1 to 10000, default 256)',
  '  --timeout-ms <ms>      a request unanswered this long has an unknown outcome (100 to 120000, default 5000)',
  '  --token <jwt>          the access token every request carries (Authorization: Bearer); default: the',
  "                         ledger-bench service's token (client credentials, scopes ledger:read",
  '                         ledger:write ledger:operate) from the issuer OIDC_ISSUER names (default',
  '                         http://127.0.0.1:3005, the development issuer), fetched again before it expires.',
  '                         A token without ledger:operate cannot freeze or unfreeze and is rate limited.',
  '',
  'Exit status: 0 the load ran (whatever the answers), 1 it could not run, 2 bad arguments, 130 interrupted.',
].join('\n');

const JWT = /^[\w-]+\.[\w-]+\.[\w-]*$/;

const DEFAULTS = { accounts: 500, commandUrl: 'http://127.0.0.1:3001', maxInFlight: 256, timeoutMs: 5000 } as const;

/** The arguments, `'help'`, or why they are wrong. */
export function parseLoadArguments(argv: readonly string[], randomSeed: () => number): LoadArguments | 'help' | string {
  const values = parseOptions(argv, {
    rate: { type: 'string' },
    duration: { type: 'string' },
    seed: { type: 'string' },
    accounts: { type: 'string' },
    'command-url': { type: 'string' },
    'ack-log': { type: 'string' },
    json: { type: 'string' },
    'max-in-flight': { type: 'string' },
    'timeout-ms': { type: 'string' },
    token: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (typeof values === 'string') return values;
  if (values['help'] === true) return 'help';
  const integer = (name: string, min: number, max: number, fallback?: number) => integerOption(name, values[name], { min, max }, fallback);
  const rate = integer('rate', 1, 10_000);
  const durationSeconds = integer('duration', 1, 86_400);
  const seed = integer('seed', 0, 4_294_967_295, randomSeed());
  const accounts = integer('accounts', 1, 1_000_000, DEFAULTS.accounts);
  const maxInFlight = integer('max-in-flight', 1, 10_000, DEFAULTS.maxInFlight);
  const timeoutMs = integer('timeout-ms', 100, 120_000, DEFAULTS.timeoutMs);
  for (const value of [rate, durationSeconds, seed, accounts, maxInFlight, timeoutMs]) if (typeof value === 'string') return value;
  const commandUrl = urlOf(values['command-url']);
  if (commandUrl === null) return `--command-url must be an http:// or https:// URL, got ${quoteArgument(String(values['command-url']))}`;
  const files: Record<string, string> = {};
  for (const name of ['ack-log', 'json']) {
    const file = values[name];
    if (file === undefined) continue;
    if (typeof file !== 'string' || file.length === 0 || /\p{Cc}/u.test(file))
      return `--${name} must name a file, got ${quoteArgument(String(file))}`;
    files[name] = file;
  }
  const token = values['token'];
  if (token !== undefined && (typeof token !== 'string' || !JWT.test(token)))
    // Not echoed: it is a credential.
    return `--token must be a JWT (three base64url parts separated by dots), got ${typeof token === 'string' ? `${token.length} characters` : 'no value'}`;
  return {
    rate: rate as number,
    durationSeconds: durationSeconds as number,
    seed: seed as number,
    accounts: accounts as number,
    commandUrl,
    maxInFlight: maxInFlight as number,
    timeoutMs: timeoutMs as number,
    ...(files['ack-log'] === undefined ? {} : { ackLog: files['ack-log'] }),
    ...(files['json'] === undefined ? {} : { json: files['json'] }),
    ...(token === undefined ? {} : { token }),
  };
}

/** The service's base URL without a trailing slash; null when it is not an http(s) URL. */
function urlOf(value: CommandLineValues[string]): string | null {
  if (value === undefined) return DEFAULTS.commandUrl;
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '') return null;
    return url.toString().replace(/\/+$/, '');
  } catch {
    return null;
  }
}
