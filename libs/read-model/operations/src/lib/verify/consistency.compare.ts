import type { AccountView, TransactionRow, TransferLegRow, TransferRow, TransferStateWithId } from '@ledger/read-model-schema';
import { ABSENT, rendered, type Difference } from './consistency.difference';
import type { StoredLeg } from './transfer-legs.check';

type Value = bigint | number | string | Date | null;

const ACCOUNT_FIELDS: readonly (keyof AccountView)[] = [
  'owner',
  'ownerId',
  'currency',
  'balance',
  'reserved',
  'status',
  'version',
  'openedAt',
  'updatedAt',
  'totalDeposited',
  'totalWithdrawn',
  'transactionCount',
  'lastActivityAt',
];

const TRANSFER_FIELDS: readonly (keyof TransferRow)[] = [
  'fromAccountId',
  'toAccountId',
  'amount',
  'currency',
  'reference',
  'createdAt',
  'expiresAt',
  'version',
];

const TRANSFER_STATE_FIELDS: readonly (keyof TransferStateWithId)[] = ['status', 'postedAmount', 'updatedAt'];

const TRANSACTION_FIELDS: readonly (keyof TransactionRow)[] = [
  'eventId',
  'type',
  'amount',
  'balanceAfter',
  'statusAfter',
  'reason',
  'occurredAt',
  'correlationId',
  'transferId',
  'counterpartyAccountId',
  'reservedAfter',
];

/**
 * The account row the stream gives against the one the read model holds (either may be absent):
 * every field that differs, or the row that should not (or should) be there.
 */
export function compareAccounts(accountId: string, expected: AccountView | null, actual: AccountView | null): Difference[] {
  if (expected === null && actual === null) return [];
  if (expected === null) {
    return [
      {
        kind: 'extra-account',
        accountId,
        field: 'account',
        expected: `${ABSENT} (no stream in the event store)`,
        actual: `version ${actual?.version}`,
      },
    ];
  }
  if (actual === null)
    return [{ kind: 'missing-account', accountId, field: 'account', expected: `version ${expected.version}`, actual: ABSENT }];
  return ACCOUNT_FIELDS.flatMap((field) =>
    differs(expected[field], actual[field])
      ? [{ kind: 'account-field' as const, accountId, field, expected: rendered(expected[field]), actual: rendered(actual[field]) }]
      : [],
  );
}

/** One event's history row against the read model's row at that version (either may be absent). */
export function compareTransactions(accountId: string, expected: TransactionRow | null, actual: TransactionRow | null): Difference[] {
  if (expected === null && actual === null) return [];
  if (expected === null) {
    const row = actual as TransactionRow;
    return [
      {
        kind: 'extra-transaction',
        accountId,
        field: `transaction v${row.version}`,
        expected: `${ABSENT} (no such event in the event store)`,
        actual: describeRow(row),
      },
    ];
  }
  if (actual === null) {
    return [
      {
        kind: 'missing-transaction',
        accountId,
        field: `transaction v${expected.version}`,
        expected: describeRow(expected),
        actual: ABSENT,
      },
    ];
  }
  return TRANSACTION_FIELDS.flatMap((field) =>
    differs(expected[field], actual[field])
      ? [
          {
            kind: 'transaction-field' as const,
            accountId,
            field: `transaction v${expected.version} ${field}`,
            expected: rendered(expected[field]),
            actual: rendered(actual[field]),
          },
        ]
      : [],
  );
}

/** A transfer's row in the read model against the one its stream gives (either may be absent). */
export function compareTransferRows(streamId: string, expected: TransferRow | null, actual: TransferRow | null): Difference[] {
  if (expected === null && actual === null) return [];
  if (expected === null) {
    return [
      {
        kind: 'extra-transfer',
        accountId: streamId,
        field: 'transfer',
        expected: `${ABSENT} (no stream in the event store)`,
        actual: `version ${actual?.version}`,
      },
    ];
  }
  if (actual === null)
    return [{ kind: 'missing-transfer', accountId: streamId, field: 'transfer', expected: `version ${expected.version}`, actual: ABSENT }];
  return fieldDifferences(streamId, 'transfer ', TRANSFER_FIELDS, expected, actual);
}

/** The transfer's states, version by version (both in version order). */
export function compareTransferStates(
  streamId: string,
  expected: readonly TransferStateWithId[],
  actual: readonly TransferStateWithId[],
): Difference[] {
  const byVersion = new Map(actual.map((state) => [state.version, state]));
  const problems: Difference[] = [];
  for (const state of expected) {
    const held = byVersion.get(state.version);
    byVersion.delete(state.version);
    if (held === undefined) {
      problems.push({
        kind: 'missing-transfer',
        accountId: streamId,
        field: `state v${state.version}`,
        expected: state.status,
        actual: ABSENT,
      });
    } else {
      problems.push(...fieldDifferences(streamId, `state v${state.version} `, TRANSFER_STATE_FIELDS, state, held));
    }
  }
  for (const held of byVersion.values()) {
    problems.push({
      kind: 'extra-transfer',
      accountId: streamId,
      field: `state v${held.version}`,
      expected: `${ABSENT} (no such event in the event store)`,
      actual: held.status,
    });
  }
  return problems;
}

/** Which account applied which leg, at which version: the store's legs against `transfer_legs`. */
export function compareTransferLegs(streamId: string, expected: readonly StoredLeg[], actual: readonly TransferLegRow[]): Difference[] {
  const byLeg = new Map(actual.map((leg) => [leg.leg as string, leg]));
  const problems: Difference[] = [];
  for (const leg of expected) {
    const held = byLeg.get(leg.type);
    byLeg.delete(leg.type);
    const due = `${leg.accountId} v${leg.version}`;
    if (held === undefined) {
      problems.push({ kind: 'missing-transfer', accountId: streamId, field: `leg ${leg.type}`, expected: due, actual: ABSENT });
    } else if (held.accountId !== leg.accountId || held.accountVersion !== leg.version) {
      problems.push({
        kind: 'transfer-field',
        accountId: streamId,
        field: `leg ${leg.type}`,
        expected: due,
        actual: `${held.accountId} v${held.accountVersion}`,
      });
    }
  }
  for (const held of byLeg.values()) {
    problems.push({
      kind: 'extra-transfer',
      accountId: streamId,
      field: `leg ${held.leg}`,
      expected: `${ABSENT} (no such leg in the event store)`,
      actual: `${held.accountId} v${held.accountVersion}`,
    });
  }
  return problems;
}

function fieldDifferences<T extends object>(
  streamId: string,
  prefix: string,
  fields: readonly (keyof T)[],
  expected: T,
  actual: T,
): Difference[] {
  return fields.flatMap((field) => {
    const want = expected[field] as Value;
    const got = actual[field] as Value;
    return differs(want, got)
      ? [
          {
            kind: 'transfer-field' as const,
            accountId: streamId,
            field: `${prefix}${String(field)}`,
            expected: rendered(want),
            actual: rendered(got),
          },
        ]
      : [];
  });
}

/** `MoneyDeposited 500 (event 5f0c…)`: enough to recognise a row. */
export function describeRow(row: Pick<TransactionRow, 'type' | 'amount' | 'eventId'>): string {
  return `${row.type}${row.amount === null ? '' : ` ${row.amount}`} (event ${row.eventId})`;
}

function differs(expected: Value, actual: Value): boolean {
  if (expected instanceof Date && actual instanceof Date) return expected.getTime() !== actual.getTime();
  return expected !== actual;
}
