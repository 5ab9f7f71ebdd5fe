import type { AccountView, TransactionRow } from '@ledger/read-model-schema';
import { ABSENT, rendered, type Difference } from './consistency.difference';

type Value = bigint | number | string | Date | null;

const ACCOUNT_FIELDS: readonly (keyof AccountView)[] = [
  'owner',
  'ownerId',
  'currency',
  'balance',
  'status',
  'version',
  'openedAt',
  'updatedAt',
  'totalDeposited',
  'totalWithdrawn',
  'transactionCount',
  'lastActivityAt',
];

const TRANSACTION_FIELDS: readonly (keyof TransactionRow)[] = [
  'eventId',
  'type',
  'amount',
  'balanceAfter',
  'statusAfter',
  'reason',
  'occurredAt',
  'correlationId',
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

/** `MoneyDeposited 500 (event 5f0c…)`: enough to recognise a row. */
export function describeRow(row: Pick<TransactionRow, 'type' | 'amount' | 'eventId'>): string {
  return `${row.type}${row.amount === null ? '' : ` ${row.amount}`} (event ${row.eventId})`;
}

function differs(expected: Value, actual: Value): boolean {
  if (expected instanceof Date && actual instanceof Date) return expected.getTime() !== actual.getTime();
  return expected !== actual;
}
