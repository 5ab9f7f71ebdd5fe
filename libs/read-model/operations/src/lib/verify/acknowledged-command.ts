import { MAX_MONEY_MINOR_UNITS, type AccountEventType } from '@ledger/domain';
import { isUuid } from '@ledger/primitives';

/** The commands a load generator sends, and the event each one appends when it is acknowledged. */
export const COMMAND_EVENT_TYPES = {
  open: 'AccountOpened',
  deposit: 'MoneyDeposited',
  withdraw: 'MoneyWithdrawn',
  freeze: 'AccountFrozen',
  unfreeze: 'AccountUnfrozen',
  close: 'AccountClosed',
} as const satisfies Record<string, AccountEventType>;

export type CommandKind = keyof typeof COMMAND_EVENT_TYPES;

export const COMMAND_KINDS = Object.keys(COMMAND_EVENT_TYPES) as CommandKind[];

/**
 * One line of an acknowledgement log (NDJSON): a command the command service answered 2xx, with the
 * version its response gave, or one whose outcome is unknown (a timeout or a reset after it was sent),
 * which may or may not be in the store and is only counted.
 */
export type AcknowledgedCommand =
  | {
      readonly outcome: 'acknowledged';
      readonly kind: CommandKind;
      readonly accountId: string;
      readonly version: number;
      /** The opening deposit, or the money moved; null for status changes. */
      readonly amount: number | null;
      readonly eventId?: string;
      readonly idempotencyKey?: string;
    }
  | {
      readonly outcome: 'unknown';
      readonly kind: CommandKind;
      readonly accountId: string;
      readonly amount: number | null;
      readonly idempotencyKey?: string;
    };

/** Longer lines are refused before parsing: the file is input, never trusted to be small. */
export const MAX_ACK_LINE_LENGTH = 4096;

const KEYS = new Set(['outcome', 'kind', 'accountId', 'version', 'amount', 'eventId', 'idempotencyKey']);

export function formatAcknowledgedCommand(command: AcknowledgedCommand): string {
  return JSON.stringify(command);
}

/** The command on one line of the log, or why the line is not one. */
export function parseAcknowledgedCommand(line: string): AcknowledgedCommand | string {
  if (line.length > MAX_ACK_LINE_LENGTH) return `longer than ${MAX_ACK_LINE_LENGTH} characters`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).find((key) => !KEYS.has(key));
  if (unknown !== undefined) return `unknown field ${JSON.stringify(unknown.slice(0, 40))}`;
  const { outcome, kind, accountId, version, amount, eventId, idempotencyKey } = record;
  if (outcome !== 'acknowledged' && outcome !== 'unknown') return 'outcome must be "acknowledged" or "unknown"';
  if (typeof kind !== 'string' || !Object.hasOwn(COMMAND_EVENT_TYPES, kind)) return `kind must be one of ${COMMAND_KINDS.join(', ')}`;
  if (!isUuid(accountId)) return 'accountId must be a UUID';
  if (amount !== null && !(Number.isSafeInteger(amount) && (amount as number) >= 0 && BigInt(amount as number) <= MAX_MONEY_MINOR_UNITS)) {
    return 'amount must be null or a safe non-negative integer';
  }
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > 200)) {
    return 'idempotencyKey must be 1 to 200 characters';
  }
  const common = {
    kind: kind as CommandKind,
    accountId: accountId.toLowerCase(),
    amount: amount as number | null,
    ...(idempotencyKey === undefined ? {} : { idempotencyKey: idempotencyKey as string }),
  };
  if (outcome === 'unknown') return { outcome, ...common };
  if (!(Number.isSafeInteger(version) && (version as number) >= 1)) return 'version must be a positive integer';
  if (eventId !== undefined && !isUuid(eventId)) return 'eventId must be a UUID';
  return {
    outcome,
    ...common,
    version: version as number,
    ...(eventId === undefined ? {} : { eventId: (eventId as string).toLowerCase() }),
  };
}

type Acknowledged = Extract<AcknowledgedCommand, { outcome: 'acknowledged' }>;

/**
 * Acknowledged commands by account, for a check that walks the accounts in order: each account's are
 * taken once, and what is left at the end names accounts the store never had. Held in memory: the
 * size of the log, not of the store. A retried idempotent command acknowledged twice counts once.
 */
export class AcknowledgementBook {
  private readonly byAccount = new Map<string, Map<number, Acknowledged[]>>();
  private acknowledgedCount = 0;
  private unknownCount = 0;

  add(command: AcknowledgedCommand): void {
    if (command.outcome === 'unknown') {
      this.unknownCount++;
      return;
    }
    const versions = this.byAccount.get(command.accountId) ?? new Map<number, Acknowledged[]>();
    this.byAccount.set(command.accountId, versions);
    const same = versions.get(command.version) ?? [];
    if (same.some((other) => other.kind === command.kind && other.amount === command.amount && other.eventId === command.eventId)) return;
    versions.set(command.version, [...same, command]);
    this.acknowledgedCount++;
  }

  /** Distinct acknowledged commands. */
  get acknowledged(): number {
    return this.acknowledgedCount;
  }

  /** Commands whose outcome the sender could not know. */
  get unknown(): number {
    return this.unknownCount;
  }

  /** The account's acknowledged commands by version, removed from the book. */
  take(accountId: string): Map<number, Acknowledged[]> {
    const versions = this.byAccount.get(accountId) ?? new Map<number, Acknowledged[]>();
    this.byAccount.delete(accountId);
    return versions;
  }

  /** Accounts not taken yet, in id order. */
  remainingAccounts(): string[] {
    return [...this.byAccount.keys()].sort();
  }
}
