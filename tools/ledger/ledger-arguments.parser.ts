import { isUuid } from '@ledger/primitives';
import { messageOf } from '@ledger/platform';
import { integerOption, quoteArgument, type CommandLineOptions, type CommandLineValues } from '@ledger/tooling';
import { DEAD_LETTER_STATUSES, isDeadLetterId, MAX_LIST_LIMIT, type DeadLetterStatus } from '@ledger/read-model-operations';
import { parseArgs } from 'node:util';

export type LedgerCommand =
  | {
      readonly name: 'dead-letters';
      readonly json: boolean;
      readonly status?: DeadLetterStatus;
      readonly accountId?: string;
      readonly limit: number;
    }
  | { readonly name: 'parked'; readonly json: boolean; readonly limit: number }
  | { readonly name: 'redrive'; readonly json: boolean; readonly accountId: string; readonly actor?: string }
  /** A transfer's own stream, named `transfer-<id>` (a transfer's id may equal an account's). */
  | { readonly name: 'redrive'; readonly json: boolean; readonly transferId: string; readonly actor?: string }
  | { readonly name: 'heal'; readonly json: boolean; readonly accountId: string; readonly actor?: string }
  | { readonly name: 'skip'; readonly json: boolean; readonly deadLetterId: string; readonly actor?: string }
  | {
      readonly name: 'verify';
      readonly json: boolean;
      readonly batch: number;
      readonly accountId?: string;
      readonly acksFile?: string;
      /** How long past its deadline a hold may still be pending before it is a breach. */
      readonly expiryIntervalSeconds: number;
    }
  | TokenCommand;

/** `token`: an access token from the development issuer; needs no database. */
export interface TokenCommand {
  readonly name: 'token';
  readonly subject: string;
  /** Space-separated ledger scopes, at least one. */
  readonly scope: string;
  readonly ttlSeconds: number;
  readonly audience: string;
}

export type LedgerInvocation =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'usage-error'; readonly message: string; readonly help: string }
  /** `rebuild` parses its own arguments. */
  | { readonly kind: 'rebuild'; readonly argv: readonly string[] }
  | { readonly kind: 'command'; readonly command: LedgerCommand };

type Options = CommandLineOptions;
type Values = CommandLineValues;

interface CommandSpec {
  readonly synopsis: string;
  readonly summary: string;
  /** Lines after the synopsis in `<command> --help`. */
  readonly details: readonly string[];
  readonly options: Options;
  readonly positionals: number;
  /** The command, or why the arguments are wrong. */
  readonly build: (values: Values, positionals: readonly string[]) => LedgerCommand | string;
}

const DEFAULT_DEAD_LETTER_LIMIT = 50;
const DEFAULT_PARKED_LIMIT = 100;
const DEFAULT_VERIFY_BATCH = 5000;
const MIN_VERIFY_BATCH = 1;
const MAX_VERIFY_BATCH = 100_000;
/** The expiry worker releases a hold within a second of its deadline; the default leaves it room. */
const DEFAULT_EXPIRY_INTERVAL = 5;
const MAX_EXPIRY_INTERVAL = 86_400;
const MAX_ACTOR_LENGTH = 100;
export const LEDGER_SCOPES = ['ledger:read', 'ledger:write', 'ledger:operate'] as const;
const DEFAULT_TOKEN_SCOPE = 'ledger:read ledger:write';
const DEFAULT_TOKEN_TTL = 3600;
const MAX_TOKEN_TTL = 86_400;
const DEFAULT_AUDIENCE = 'ledger';
/** What the issuer accepts as a subject or an audience: visible ASCII. */
const TOKEN_NAME = /^[\x21-\x7e]{1,255}$/;

const common: Options = { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } };
const acting: Options = { ...common, actor: { type: 'string' } };

const JSON_LINE = '  --json                 print the result as JSON (for scripts) instead of text';
const ACTOR_LINE = '  --actor <name>         who is acting, recorded with the action (default: $USER)';

const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  'dead-letters': {
    synopsis: 'dead-letters [--account <id>] [--status <status>] [--limit <n>] [--json]',
    summary: 'list dead letters, newest first',
    details: [
      'Messages the projector could not apply, with the error, where they came from, and whether each',
      'is what keeps its account parked.',
      '',
      "  --account <id>         only this account's",
      `  --status <status>      only those in this status: ${DEAD_LETTER_STATUSES.join(', ')}`,
      `  --limit <n>            at most n (1 to ${MAX_LIST_LIMIT}, default ${DEFAULT_DEAD_LETTER_LIMIT})`,
      JSON_LINE,
    ],
    options: { ...common, account: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' } },
    positionals: 0,
    build: (values) => {
      const limit = integerOption('limit', values['limit'], { min: 1, max: MAX_LIST_LIMIT }, DEFAULT_DEAD_LETTER_LIMIT);
      if (typeof limit === 'string') return limit;
      const status = values['status'];
      if (typeof status === 'string' && !isStatus(status)) {
        return `--status must be one of ${DEAD_LETTER_STATUSES.join(', ')}, got ${quoteArgument(status)}`;
      }
      const account = values['account'];
      if (typeof account === 'string' && !isUuid(account)) return `--account must be an account id (a UUID), got ${quoteArgument(account)}`;
      return {
        name: 'dead-letters',
        json: values['json'] === true,
        limit,
        ...(typeof status === 'string' && isStatus(status) ? { status } : {}),
        ...(typeof account === 'string' ? { accountId: account.toLowerCase() } : {}),
      };
    },
  },
  parked: {
    synopsis: 'parked [--limit <n>] [--json]',
    summary: 'list parked accounts and what each waits behind',
    details: [
      'An account is parked when one of its events could not apply: its later events are held, in order,',
      'until an operator redrives, heals or skips. Listed longest parked first, with the reason, the dead',
      'letter, the number of held events and the version the read model is at.',
      '',
      `  --limit <n>            at most n (1 to ${MAX_LIST_LIMIT}, default ${DEFAULT_PARKED_LIMIT})`,
      JSON_LINE,
    ],
    options: { ...common, limit: { type: 'string' } },
    positionals: 0,
    build: (values) => {
      const limit = integerOption('limit', values['limit'], { min: 1, max: MAX_LIST_LIMIT }, DEFAULT_PARKED_LIMIT);
      return typeof limit === 'string' ? limit : { name: 'parked', json: values['json'] === true, limit };
    },
  },
  redrive: {
    synopsis: 'redrive <account | transfer-<id>> [--actor <name>] [--json]',
    summary: 're-apply the dead letter that parks an account (or a transfer), then its held events, and unpark it',
    details: [
      'For a dead letter that can apply now (the bug is fixed, the database accepts the rows). In one',
      "transaction, through the projector's own version guard. If the dead letter, or a held event after",
      'it, still cannot apply, the account stays parked behind it with the rest held: nothing is lost or',
      'applied out of order. An account that is not parked is left alone.',
      "A transfer's own stream is parked on its own and named as `parked` and `verify` show it:",
      'transfer-<id>.',
      '',
      ACTOR_LINE,
      JSON_LINE,
    ],
    options: acting,
    positionals: 1,
    build: (values, [stream]) => {
      const given = stream ?? '';
      const transferId = transferIdOf(given);
      if (transferId === null && /^transfer-/i.test(given))
        return `transfer-<id> must name a transfer by its id (a UUID), got ${quoteArgument(given)}`;
      if (transferId === null) return accountAction('redrive', values, given);
      const actor = actorOf(values);
      return typeof actor === 'string' ? actor : { name: 'redrive', json: values['json'] === true, transferId, ...actor };
    },
  },
  heal: {
    synopsis: 'heal <account> [--actor <name>] [--json]',
    summary: "rebuild one account's read model from the event store, discard what was held, unpark it",
    details: [
      "The event store is the source of truth: the account's rows are replaced by a projection of its",
      'whole stream, its held events are discarded (the store has them all), its open dead letters are',
      'marked healed. The tool for a gap, or for a read model that drifted. Safe while the projector runs.',
      '',
      ACTOR_LINE,
      JSON_LINE,
    ],
    options: acting,
    positionals: 1,
    build: (values, [account]) => accountAction('heal', values, account ?? ''),
  },
  skip: {
    synopsis: 'skip <dead-letter-id> [--actor <name>] [--json]',
    summary: 'drop an open dead letter; if it parks its account, unpark it and apply the held events',
    details: [
      'For a message an operator decides must not apply. Caution: if the skipped message was a real event',
      'of the account, the next held event is a gap and parks the account again; heal is the tool for that.',
      'A dead letter that is no longer open is left alone.',
      '',
      ACTOR_LINE,
      JSON_LINE,
    ],
    options: acting,
    positionals: 1,
    build: (values, [given]) => {
      const id = given ?? '';
      if (!isDeadLetterId(id)) return `<dead-letter-id> must be a dead letter's id (a positive integer), got ${quoteArgument(id)}`;
      const actor = actorOf(values);
      return typeof actor === 'string' ? actor : { name: 'skip', json: values['json'] === true, deadLetterId: id, ...actor };
    },
  },
  verify: {
    synopsis: 'verify [--account <id>] [--acks <file>] [--expiry-interval <s>] [--batch <n>] [--json]',
    summary: 'check the read models against the event store, account by account, field by field',
    details: [
      "Folds every stream of the event store with the domain's own rules and compares the result with",
      'read_model.accounts (balance, status, version, owner, currency, totals, counts, times) and with',
      'every row of read_model.account_transactions; rows with no stream behind them are reported too.',
      'Prints each difference (account, field, expected, actual) and a summary. Reads both sides in',
      'account id order, a page at a time, each in one snapshot: memory stays bounded whatever the size.',
      'Run it once the writes have stopped and the projector has caught up: a read model that is merely',
      'behind shows as differences.',
      '',
      'Over the whole store it also checks that money is conserved: per currency, the sum of all balances',
      'equals deposits (opening deposits included) less withdrawals, in the store and in the read model;',
      'every transfer has exactly the legs its state needs (completed: debit and credit; posted: hold,',
      'posting and credit; voided or expired: hold and release), on the right accounts, for the amounts its',
      "stream records; each account's reserved amount is the sum of its pending holds; no hold is pending",
      'longer than --expiry-interval past its deadline. It compares read_model.transfers, transfer_states',
      'and transfer_legs with the transfer streams and the legs.',
      '',
      '  --account <id>         only this account',
      '  --acks <file>          also check each command of this acknowledgement log (NDJSON, as',
      '                         `npm run load -- --ack-log` writes it) is in the store and the read',
      '                         model at its version, with its type and amount',
      '  --expiry-interval <s>  seconds a hold may stay pending past its deadline before it is reported',
      `                         (0 to ${MAX_EXPIRY_INTERVAL}, default ${DEFAULT_EXPIRY_INTERVAL}); not with --account, which checks no sums`,
      `  --batch <n>            rows per read (${MIN_VERIFY_BATCH} to ${MAX_VERIFY_BATCH}, default ${DEFAULT_VERIFY_BATCH})`,
      '  --json                 print the differences and the summary as JSON',
      '',
      'Exit status: 0 consistent, 4 differences or conservation breaches found, 3 the --account is unknown',
      'to both sides, 1 failed,',
      '2 bad arguments, 78 bad environment.',
    ],
    options: {
      ...common,
      account: { type: 'string' },
      acks: { type: 'string' },
      batch: { type: 'string' },
      'expiry-interval': { type: 'string' },
    },
    positionals: 0,
    build: (values) => {
      const account = values['account'];
      if (typeof account === 'string' && !isUuid(account)) return `--account must be an account id (a UUID), got ${quoteArgument(account)}`;
      const acks = values['acks'];
      if (typeof acks === 'string' && (acks.length === 0 || /\p{Cc}/u.test(acks)))
        return `--acks must name a file, got ${quoteArgument(acks)}`;
      const batch = integerOption('batch', values['batch'], { min: MIN_VERIFY_BATCH, max: MAX_VERIFY_BATCH }, DEFAULT_VERIFY_BATCH);
      if (typeof batch === 'string') return batch;
      const interval = values['expiry-interval'];
      if (interval !== undefined && typeof account === 'string')
        return '--expiry-interval checks holds over the whole store: not with --account';
      const expiryIntervalSeconds = integerOption(
        'expiry-interval',
        interval,
        { min: 0, max: MAX_EXPIRY_INTERVAL },
        DEFAULT_EXPIRY_INTERVAL,
      );
      if (typeof expiryIntervalSeconds === 'string') return expiryIntervalSeconds;
      return {
        name: 'verify',
        json: values['json'] === true,
        batch,
        expiryIntervalSeconds,
        ...(typeof account === 'string' ? { accountId: account.toLowerCase() } : {}),
        ...(typeof acks === 'string' ? { acksFile: acks } : {}),
      };
    },
  },
  token: {
    synopsis: 'token --sub <subject> [--scope "<scopes>"] [--ttl <seconds>] [--audience <audience>]',
    summary: 'print an access token for any subject, from the development issuer',
    details: [
      'Asks the development OpenID Connect issuer (OIDC_ISSUER, default http://127.0.0.1:3005, which the',
      'local stack runs) for a JWT access token, as its development client, and prints the token alone on',
      'stdout: TOKEN=$(npm run -s ledger -- token --sub alice). For local runs and tests only: a real',
      'issuer has no such grant.',
      '',
      '  --sub <subject>        whom the token is for (the `sub` claim): 1 to 255 visible ASCII characters',
      `  --scope "<scopes>"     space-separated, among ${LEDGER_SCOPES.join(', ')}`,
      `                         (default "${DEFAULT_TOKEN_SCOPE}")`,
      `  --ttl <seconds>        lifetime (1 to ${MAX_TOKEN_TTL}, default ${DEFAULT_TOKEN_TTL})`,
      `  --audience <audience>  the \`aud\` claim (default ${DEFAULT_AUDIENCE}; another makes a token the ledger refuses)`,
      '',
      'Exit status: 0 printed, 1 the issuer refused or did not answer, 2 bad arguments, 78 bad environment.',
    ],
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      sub: { type: 'string' },
      scope: { type: 'string' },
      ttl: { type: 'string' },
      audience: { type: 'string' },
    },
    positionals: 0,
    build: buildTokenCommand,
  },
};

const REBUILD_SUMMARY = 'rebuild every read model from the event store beside the live tables, then swap them in';

export const GENERAL_HELP = [
  'Usage: npm run ledger -- <command> [options]',
  '',
  'Operator actions on the read side. Each action is one transaction, idempotent, and recorded in',
  'read_model.operator_actions with who performed it. `token` prints an access token for local runs.',
  '',
  'Commands:',
  ...Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(14)} ${spec.summary}`),
  `  ${'rebuild'.padEnd(14)} ${REBUILD_SUMMARY}`,
  '',
  "Run 'npm run ledger -- <command> --help' for a command's arguments.",
  '',
  'Environment:',
  "  DATABASE_URL               the read model's database (default postgres://postgres@127.0.0.1:5432/ledger)",
  "  EVENT_STORE_DATABASE_URL   the event store's, when it is another (default DATABASE_URL)",
  '  OIDC_ISSUER                the issuer `token` asks (default http://127.0.0.1:3005)',
  '  USER                       recorded as who acted, unless --actor is given',
  '',
  'Exit status: 0 done or nothing to do, 1 failed, 2 bad arguments, 3 ran but unresolved (target not',
  'found, or the account is parked again), 4 verify found differences, 78 bad environment.',
].join('\n');

/** Pure: what to run for the given arguments (without the leading `node ledger.cli.ts`). */
export function parseLedgerArguments(argv: readonly string[]): LedgerInvocation {
  const [name, ...rest] = argv;
  if (name === undefined) return { kind: 'usage-error', message: 'a command is required', help: GENERAL_HELP };
  if (name === '--help' || name === '-h' || name === 'help') return { kind: 'help', text: GENERAL_HELP };
  if (name === 'rebuild') return { kind: 'rebuild', argv: rest };
  const spec = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (spec === undefined) return { kind: 'usage-error', message: `unknown command ${quoteArgument(name)}`, help: GENERAL_HELP };
  const help = commandHelp(spec);

  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...rest], options: spec.options, allowPositionals: true, strict: true });
  } catch (error) {
    return { kind: 'usage-error', message: messageOf(error), help };
  }
  if (parsed.values['help'] === true) return { kind: 'help', text: help };
  if (parsed.positionals.length !== spec.positionals) {
    const expected = spec.positionals === 0 ? 'no arguments' : `exactly ${spec.positionals} argument`;
    return { kind: 'usage-error', message: `${name} takes ${expected}, got ${parsed.positionals.length}`, help };
  }
  const built = spec.build(parsed.values, parsed.positionals);
  return typeof built === 'string' ? { kind: 'usage-error', message: built, help } : { kind: 'command', command: built };
}

function commandHelp(spec: CommandSpec): string {
  return [`Usage: npm run ledger -- ${spec.synopsis}`, '', `${capitalised(spec.summary)}.`, '', ...spec.details].join('\n');
}

/** The transfer id of `transfer-<uuid>` (lower case); null for anything else. */
function transferIdOf(stream: string): string | null {
  const prefix = 'transfer-';
  if (!stream.toLowerCase().startsWith(prefix)) return null;
  const id = stream.slice(prefix.length);
  return isUuid(id) ? id.toLowerCase() : null;
}

function accountAction(name: 'redrive' | 'heal', values: Values, account: string): LedgerCommand | string {
  if (!isUuid(account)) return `<account> must be an account id (a UUID), got ${quoteArgument(account)}`;
  const actor = actorOf(values);
  if (typeof actor === 'string') return actor;
  const command = { json: values['json'] === true, accountId: account.toLowerCase(), ...actor };
  return name === 'heal' ? { name, ...command } : { name, ...command };
}

/** `{ actor }` when --actor is given and fit to record, `{}` when absent, else the error. */
function actorOf(values: Values): { readonly actor?: string } | string {
  const actor = values['actor'];
  if (typeof actor !== 'string') return {};
  const trimmed = actor.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_ACTOR_LENGTH || /\p{Cc}/u.test(trimmed)) {
    return `--actor must be 1 to ${MAX_ACTOR_LENGTH} printable characters`;
  }
  return { actor: trimmed };
}

function buildTokenCommand(values: Values): TokenCommand | string {
  const subject = values['sub'];
  if (subject === undefined) return '--sub is required';
  if (typeof subject !== 'string' || !TOKEN_NAME.test(subject))
    return `--sub must be 1 to 255 visible ASCII characters, got ${quoteArgument(String(subject))}`;
  const scope = scopeOf(values['scope']);
  if (scope === undefined) {
    return `--scope must be one or more of ${LEDGER_SCOPES.join(', ')}, separated by spaces, got ${quoteArgument(String(values['scope']))}`;
  }
  const ttlSeconds = integerOption('ttl', values['ttl'], { min: 1, max: MAX_TOKEN_TTL }, DEFAULT_TOKEN_TTL);
  if (typeof ttlSeconds === 'string') return ttlSeconds;
  const audience = values['audience'] ?? DEFAULT_AUDIENCE;
  if (typeof audience !== 'string' || !TOKEN_NAME.test(audience))
    return `--audience must be 1 to 255 visible ASCII characters, got ${quoteArgument(String(audience))}`;
  return { name: 'token', subject, scope, ttlSeconds, audience };
}

/** The scopes, each once, in the order given; undefined when empty or one is not a ledger scope. */
function scopeOf(value: Values[string]): string | undefined {
  if (value === undefined) return DEFAULT_TOKEN_SCOPE;
  if (typeof value !== 'string') return undefined;
  const scopes = [...new Set(value.split(' ').filter((scope) => scope.length > 0))];
  const known = (scope: string) => (LEDGER_SCOPES as readonly string[]).includes(scope);
  return scopes.length > 0 && scopes.every(known) ? scopes.join(' ') : undefined;
}

function isStatus(value: string): value is DeadLetterStatus {
  return (DEAD_LETTER_STATUSES as readonly string[]).includes(value);
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
