import type { AccountRecord, HistoryRecord } from '../accounts/account.record';
import type { Statement } from './get-statement.handler';
import { CSV_COLUMNS, csvField, statementCsv, statementJson } from './statement.format';

const row = (version: number, overrides: Partial<HistoryRecord> = {}): HistoryRecord => ({
  accountId: 'a',
  version: String(version),
  eventId: `e${version}`,
  type: 'MoneyDeposited',
  amount: '5',
  balanceAfter: String(5 * version),
  statusAfter: 'ACTIVE',
  reason: null,
  occurredAt: new Date(Date.UTC(2026, 2, 1, version)),
  transferId: null,
  counterpartyAccountId: null,
  reservedAfter: '0',
  ...overrides,
});

function statementOf(pages: readonly (readonly HistoryRecord[])[]): Statement {
  return {
    account: { accountId: 'a', currency: 'EUR' } as AccountRecord,
    opening: { version: 0, balance: '0' },
    closing: { version: 3, balance: '15' },
    totals: { credits: '15', debits: '0', creditCount: '3', debitCount: '0', count: '3' },
    async *pages() {
      yield* pages;
    },
  };
}

async function text(chunks: AsyncGenerator<string>): Promise<string> {
  let all = '';
  for await (const chunk of chunks) all += chunk;
  return all;
}

describe('statement formats', () => {
  it.each([
    ['plain text', 'court order', 'court order'],
    ['a comma', 'a,b', '"a,b"'],
    ['double quotes', 'say "no"', '"say ""no"""'],
    ['a line break', 'one\ntwo', '"one\ntwo"'],
    ['a carriage return', 'one\rtwo', '"one\rtwo"'],
    ['null', null, ''],
    ['a semicolon', 'a;=1+1', '"a;=1+1"'],
    ['a number', 1250, '1250'],
  ])('quotes a CSV field with %s as RFC 4180 does', (_label, value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it.each([
    ['=', '=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+', '+1', `"'+1"`],
    ['-', '-1+1', `"'-1+1"`],
    ['@', '@SUM(A1)', `"'@SUM(A1)"`],
    ['a tab', '\t=1+1', `"'\t=1+1"`],
    ['a carriage return', '\r=1+1', `"'\r=1+1"`],
    ['= and a comma', '=1,2', `"'=1,2"`],
  ])('neutralises text starting with %s: quoted, after a single quote', (_label, value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it.each([
    ['a negative number', -250, '-250'],
    ['a positive number', 250, '250'],
    ['zero', 0, '0'],
    ['a formula character inside text', 'a=b+c-d@e', 'a=b+c-d@e'],
    ['a single quote at the start', "'quoted", "'quoted"],
  ])('leaves %s as it is', (_label, value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('writes JSON across pages as one valid document, items in order', async () => {
    const body = JSON.parse(await text(statementJson(statementOf([[row(1), row(2)], [row(3)]]), 'f', 't')));
    expect(body).toMatchObject({ accountId: 'a', currency: 'EUR', from: 'f', to: 't', openingBalance: 0, closingBalance: 15 });
    expect(body.totals).toEqual({ credits: 15, debits: 0, creditCount: 3, debitCount: 0, count: 3 });
    expect(body.items.map((item: { version: number }) => item.version)).toEqual([1, 2, 3]);
  });

  it('writes an empty statement as valid JSON with no items, and CSV as the header row alone', async () => {
    expect(JSON.parse(await text(statementJson(statementOf([]), 'f', 't'))).items).toEqual([]);
    expect(await text(statementCsv(statementOf([])))).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });

  it('writes a CSV row per item, CRLF-terminated, nulls as empty fields', async () => {
    const leg = row(2, { type: 'TransferCredited', transferId: 't1', counterpartyAccountId: 'b' });
    const csv = await text(statementCsv(statementOf([[row(1)], [leg]])));
    expect(csv.split('\r\n')).toEqual([
      CSV_COLUMNS.join(','),
      '1,2026-03-01T01:00:00.000Z,MoneyDeposited,5,5,,,,e1',
      '2,2026-03-01T02:00:00.000Z,TransferCredited,5,10,t1,b,,e2',
      '',
    ]);
  });
});
