import type { HistoryRecord } from '../accounts/account.record';
import { toTransactionItem, type TransactionItemResponse } from '../accounts/transaction.response';
import { exactInteger, safeInteger } from '../edge/json-integer';
import type { Statement } from './get-statement.handler';
import type { StatementResponse } from './statement.response';

/** The CSV's columns, in order: the history item's fields, money as integers in minor units. */
export const CSV_COLUMNS = [
  'version',
  'occurredAt',
  'type',
  'amount',
  'balanceAfter',
  'transferId',
  'counterpartyAccountId',
  'reason',
  'eventId',
] as const satisfies readonly (keyof TransactionItemResponse)[];

const CRLF = '\r\n';

/** What a spreadsheet takes for the start of a formula (OWASP, CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Quoted: RFC 4180's comma, double quote and line breaks, and the semicolon, the separator of spreadsheets in many locales. */
const NEEDS_QUOTES = /[",;\r\n]/;

/**
 * RFC 4180: a field with a comma, a double quote or a line break goes in double quotes, its quotes
 * doubled. Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return) is neutralised as OWASP advises: quoted, with a `'` before it. Numbers are the
 * service's own and written as they are, a minus sign included.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (FORMULA_START.test(value)) return `"'${value.replaceAll('"', '""')}"`;
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(values: readonly (string | number | null)[]): string {
  return `${values.map(csvField).join(',')}${CRLF}`;
}

/** The statement as CSV: a header row, then one row per item, oldest first. */
export async function* statementCsv(statement: Statement): AsyncGenerator<string> {
  yield csvLine(CSV_COLUMNS);
  for await (const page of statement.pages()) {
    yield page.map((row) => csvLine(CSV_COLUMNS.map((column) => toTransactionItem(row)[column]))).join('');
  }
}

/**
 * The statement as one JSON object, written as it is read: everything but the items first (known
 * before the first row is read), then the items one page at a time.
 */
export async function* statementJson(statement: Statement, from: string, to: string): AsyncGenerator<string> {
  const head: Omit<StatementResponse, 'items'> = {
    accountId: statement.account.accountId,
    currency: statement.account.currency,
    from,
    to,
    openingBalance: safeInteger(statement.opening.balance),
    closingBalance: safeInteger(statement.closing.balance),
    totals: {
      credits: exactInteger(statement.totals.credits),
      debits: exactInteger(statement.totals.debits),
      creditCount: safeInteger(statement.totals.creditCount),
      debitCount: safeInteger(statement.totals.debitCount),
      count: safeInteger(statement.totals.count),
    },
  };
  yield `${JSON.stringify(head).slice(0, -1)},"items":[`;
  let first = true;
  for await (const page of statement.pages()) {
    yield `${first ? '' : ','}${page.map((row: HistoryRecord) => JSON.stringify(toTransactionItem(row))).join(',')}`;
    first = false;
  }
  yield ']}';
}
