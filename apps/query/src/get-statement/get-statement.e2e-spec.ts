import { mintToken } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { AWKWARD_REASON, hour, seedAccountDay, type AccountDay } from '../testing/account-year.fixture';
import { queryAppSuite } from '../testing/query-app.harness';
import { SeededAccount } from '../testing/transfer-ledger.fixture';
import { STATEMENT_PAGE_SIZE } from './get-statement.handler';
import { STATEMENT_MAX_DAYS } from './get-statement.http.controller';
import { CSV_COLUMNS } from './statement.format';

const OWNER = 'statement-owner';
const PROBLEMS = 'https://ledger.example.com/problems/';
const q = encodeURIComponent;

/** RFC 4180 as a reader takes it: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const pair = text.slice(i, i + 2);
    if (quoted && pair === '""') {
      field += '"';
      i += 2;
    } else if (c === '"') {
      quoted = !quoted;
      i += 1;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
      i += 1;
    } else if (!quoted && pair === '\r\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      field += c;
      i += 1;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('the CSV does not end with CRLF');
  return rows;
}

describe('GET /accounts/{id}/statement', () => {
  const query = queryAppSuite();
  let day: AccountDay;
  const tokens = { owner: '', stranger: '', operator: '' };
  let statementPath: string;

  beforeAll(async () => {
    day = await seedAccountDay(query.pool, OWNER, 'statement-counterparty');
    statementPath = `/accounts/${day.account.accountId}/statement?from=${q(hour(11))}&to=${q(hour(17))}`;
    [tokens.owner, tokens.stranger, tokens.operator] = await Promise.all([
      mintToken({ sub: OWNER, scope: 'ledger:read' }),
      mintToken({ sub: 'statement-stranger', scope: 'ledger:read' }),
      mintToken({ sub: 'statement-operator', scope: 'ledger:read ledger:operate' }),
    ]);
  }, 60_000);

  it('answers JSON: opening and closing balances, totals, and the items of [from, to) oldest first', async () => {
    const reply = await query.as(tokens.owner).get(statementPath);

    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.headers['opening-balance']).toBe('1000');
    expect(reply.headers['closing-balance']).toBe('1050');
    expect(reply.body).toMatchObject({
      accountId: day.account.accountId,
      currency: 'EUR',
      from: hour(11),
      to: hour(17),
      openingBalance: 1_000,
      closingBalance: 1_050,
      totals: { credits: 500, debits: 450, creditCount: 1, debitCount: 2, count: 6 },
    });
    const items = reply.body.items as { version: number; type: string; amount: number | null; balanceAfter: number | null }[];
    expect(items.map((i) => [i.version, i.type, i.amount, i.balanceAfter])).toEqual([
      [2, 'MoneyDeposited', 500, 1_500],
      [3, 'TransferDebited', 200, 1_300],
      [4, 'HoldPlaced', 300, 1_300],
      [5, 'AccountFrozen', null, null],
      [6, 'AccountUnfrozen', null, null],
      [7, 'HoldPosted', 250, 1_050],
    ]);
    expect(reply.body.items[1]).toMatchObject({ transferId: day.immediate, counterpartyAccountId: day.counterparty.accountId });
    expect(reply.body.items[0]).toMatchObject({ transferId: null, counterpartyAccountId: null, occurredAt: hour(11) });
    expect(reply.body.openingBalance + reply.body.totals.credits - reply.body.totals.debits).toBe(reply.body.closingBalance);
  });

  it('answers CSV with Accept: text/csv: a header row, one row per item, RFC 4180 quoting, money as integers', async () => {
    const reply = await query.as(tokens.owner).get(statementPath, { accept: 'text/csv' });

    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(reply.headers['closing-balance']).toBe('1050');
    const rows = parseCsv(reply.text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const column = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const body = rows.slice(1);
    expect(body.map((r) => [r[column('version')], r[column('type')], r[column('amount')], r[column('balanceAfter')]])).toEqual([
      ['2', 'MoneyDeposited', '500', '1500'],
      ['3', 'TransferDebited', '200', '1300'],
      ['4', 'HoldPlaced', '300', '1300'],
      ['5', 'AccountFrozen', '', ''],
      ['6', 'AccountUnfrozen', '', ''],
      ['7', 'HoldPosted', '250', '1050'],
    ]);
    expect(body[3]?.[column('reason')]).toBe(AWKWARD_REASON);
    expect(reply.text).toContain('"court order, ""urgent""\nsee file"');
    expect(body[1]?.[column('transferId')]).toBe(day.immediate);
    expect(body[1]?.[column('counterpartyAccountId')]).toBe(day.counterparty.accountId);
    expect(body[1]?.[column('occurredAt')]).toBe(hour(12));
  });

  it('given a period before the account existed, or an empty one, then zero balances and no items', async () => {
    const before = await query.get(`/accounts/${day.account.accountId}/statement?from=${q(hour(1))}&to=${q(hour(2))}`);
    const empty = await query.get(`/accounts/${day.account.accountId}/statement?from=${q(hour(12))}&to=${q(hour(12))}`);
    const emptyCsv = await query.get(`/accounts/${day.account.accountId}/statement?from=${q(hour(1))}&to=${q(hour(2))}`, {
      accept: 'text/csv',
    });

    expect(before.body).toMatchObject({ openingBalance: 0, closingBalance: 0, totals: { credits: 0, debits: 0, count: 0 }, items: [] });
    expect(empty.body).toMatchObject({ openingBalance: 1_500, closingBalance: 1_500, totals: { count: 0 }, items: [] });
    expect(emptyCsv.text).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });

  it('given the whole day, then the opening deposit counts as a credit and the closing balance is the last one', async () => {
    const reply = await query.get(
      `/accounts/${day.account.accountId}/statement?from=${q('2026-03-01T00:00:00Z')}&to=${q('2026-03-02T00:00:00Z')}`,
    );
    expect(reply.body).toMatchObject({
      openingBalance: 0,
      closingBalance: 1_100,
      totals: { credits: 1_575, debits: 475, creditCount: 3, debitCount: 3, count: 10 },
    });
    expect(reply.body.items).toHaveLength(10);
  });

  it(`streams a history longer than a page (${STATEMENT_PAGE_SIZE} rows) in full and in order, JSON and CSV alike`, async () => {
    const long = await SeededAccount.open(query.pool, { ownerId: OWNER, at: '2026-01-01T00:00:00.000Z', deposit: 0n });
    const rows = 2 * STATEMENT_PAGE_SIZE + 7;
    // One statement for all of them: version n + 1 deposits n minor units at minute n.
    await query.pool.query(
      `INSERT INTO read_model.account_transactions (account_id, version, event_id, type, amount, balance_after, status_after, occurred_at, correlation_id)
       SELECT $1, n + 1, gen_random_uuid(), 'MoneyDeposited', n, n * (n + 1) / 2, 'ACTIVE', '2026-01-01T00:00:00Z'::timestamptz + n * interval '1 minute', 'seed'
         FROM generate_series(1, $2::int) AS n`,
      [long.accountId, rows],
    );
    const path = `/accounts/${long.accountId}/statement?from=${q('2026-01-01T00:00:30Z')}&to=${q('2026-02-01T00:00:00Z')}`;

    const json = await query.as(tokens.owner).get(path);
    const csv = await query.as(tokens.owner).get(path, { accept: 'application/json;q=0.5, text/csv' });

    const total = (rows * (rows + 1)) / 2;
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ openingBalance: 0, closingBalance: total, totals: { credits: total, debits: 0, count: rows } });
    expect(json.body.items.map((i: { version: number }) => i.version)).toEqual(Array.from({ length: rows }, (_, i) => i + 2));
    const csvRows = parseCsv(csv.text);
    expect(csvRows).toHaveLength(rows + 1);
    expect(csvRows.slice(1).map((r) => Number(r[0]))).toEqual(Array.from({ length: rows }, (_, i) => i + 2));
    expect(csvRows.at(-1)?.[CSV_COLUMNS.indexOf('balanceAfter')]).toBe(String(total));
  });

  describe('formula injection: client text a spreadsheet would run', () => {
    const FORMULAS = ['=HYPERLINK("http://x")', '+1', '-1+1', '@SUM(A1)'] as const;
    let csv: { text: string; rows: string[][] };
    let json: { items: { reason: string | null; amount: number | null; balanceAfter: number | null }[] };

    beforeAll(async () => {
      const at = (minute: number) => `2026-04-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
      const account = await SeededAccount.open(query.pool, { ownerId: OWNER, at: at(0), deposit: 1_000n });
      let minute = 0;
      for (const reason of FORMULAS) {
        await account.apply({ type: 'AccountFrozen', at: at(++minute), reason, status: 'FROZEN' });
        await account.apply({ type: 'AccountUnfrozen', at: at(++minute), status: 'ACTIVE' });
      }
      await account.apply({ type: 'MoneyWithdrawn', at: at(++minute), amount: 1_000n, balanceChange: -1_000n });
      const path = `/accounts/${account.accountId}/statement?from=${q(at(0))}&to=${q(at(59))}`;
      const [csvReply, jsonReply] = await Promise.all([
        query.as(tokens.owner).get(path, { accept: 'text/csv' }),
        query.as(tokens.owner).get(path),
      ]);
      expect([csvReply.status, jsonReply.status]).toEqual([200, 200]);
      csv = { text: csvReply.text, rows: parseCsv(csvReply.text).slice(1) };
      json = jsonReply.body;
    });

    it.each(FORMULAS)(
      'given a freeze reason %s, then its CSV cell is quoted after a single quote, and JSON has it as written',
      (reason) => {
        const quoted = `"'${reason.replaceAll('"', '""')}"`;
        expect(csv.text).toContain(`,${quoted},`);
        expect(csv.rows.map((r) => r[CSV_COLUMNS.indexOf('reason')])).toContain(`'${reason}`);
        expect(json.items.map((i) => i.reason)).toContain(reason);
      },
    );

    it("given the service's numbers, then their cells are left as they are", () => {
      const numbers = csv.rows.map((r) => (['version', 'amount', 'balanceAfter'] as const).map((c) => r[CSV_COLUMNS.indexOf(c)]));
      expect(numbers[0]).toEqual(['1', '1000', '1000']);
      expect(numbers.at(-1)).toEqual([String(2 + 2 * FORMULAS.length), '1000', '0']);
      expect(csv.rows.flat().filter((cell) => cell.startsWith("'"))).toEqual(FORMULAS.map((f) => `'${f}`));
    });
  });

  describe('who may read it', () => {
    it('given the owner or an operator, then 200 with the same statement', async () => {
      const own = await query.as(tokens.owner).get(statementPath);
      const operated = await query.as(tokens.operator).get(statementPath);
      expect(own.status).toBe(200);
      expect(operated.status).toBe(200);
      expect(operated.text).toBe(own.text);
    });

    it("given someone else's token, then 404 account-not-found, the same answer as a missing account's", async () => {
      const missing = randomUUID();
      const foreign = await query.as(tokens.stranger).get(statementPath);
      const absent = await query.as(tokens.stranger).get(statementPath.replace(day.account.accountId, missing));
      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ type: `${PROBLEMS}account-not-found` });
      expect(foreign.text.replaceAll(day.account.accountId, '<id>')).toBe(absent.text.replaceAll(missing, '<id>'));
    });

    it('given no token, then 401', async () => {
      const reply = await query.get(statementPath, { authorization: '' });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ type: `${PROBLEMS}unauthenticated` });
    });
  });

  it('given ends in offsets up to ±23:59 and to the nanosecond, then the same statement as in UTC', async () => {
    const utc = await query.as(tokens.owner).get(statementPath);
    const from = '2026-03-02T10:59:00.000000000+23:59';
    const to = '2026-03-01T01:00:00-16:00';
    const offsets = await query.as(tokens.owner).get(`/accounts/${day.account.accountId}/statement?from=${q(from)}&to=${q(to)}`);
    expect(offsets.status).toBe(200);
    expect({ ...offsets.body, from: hour(11), to: hour(17) }).toEqual(utc.body);
  });

  it(`given a period of exactly ${STATEMENT_MAX_DAYS} days, then 200 in both formats`, async () => {
    const year = `/accounts/${day.account.accountId}/statement?from=${q('2025-12-31T00:00:00+01:00')}&to=${q('2026-12-31T00:00:00-23:00')}`;
    const [json, csv] = await Promise.all([query.get(year), query.get(year, { accept: 'text/csv' })]);
    expect([json.status, csv.status]).toEqual([200, 200]);
    expect(json.body).toMatchObject({ openingBalance: 0, closingBalance: 1_100, totals: { count: 10 } });
    expect(parseCsv(csv.text)).toHaveLength(11);
  });

  it.each([
    ['from missing', `to=${q(hour(2))}`, 'validation'],
    ['to missing', `from=${q(hour(2))}`, 'validation'],
    ['from after to', `from=${q(hour(3))}&to=${q(hour(2))}`, 'invalid-time-range'],
    ['from a nanosecond after to', `from=${q('2026-03-01T02:00:00.000000001Z')}&to=${q(hour(2))}`, 'invalid-time-range'],
    [
      'from after to, in other offsets',
      `from=${q('2026-03-01T03:00:00+01:00')}&to=${q('2026-03-01T01:00:00-00:30')}`,
      'invalid-time-range',
    ],
    [`${STATEMENT_MAX_DAYS + 1} days`, `from=${q('2026-01-01T00:00:00Z')}&to=${q('2027-01-03T00:00:00Z')}`, 'invalid-time-range'],
    [
      `a nanosecond over ${STATEMENT_MAX_DAYS} days`,
      `from=${q('2026-01-01T00:00:00Z')}&to=${q('2027-01-02T00:00:00.000000001Z')}`,
      'invalid-time-range',
    ],
    [
      `${STATEMENT_MAX_DAYS} days and an offset's hour`,
      `from=${q('2026-01-01T00:00:00+01:00')}&to=${q('2027-01-02T00:00:00Z')}`,
      'invalid-time-range',
    ],
    ['ten thousand years', `from=${q('0001-01-01T00:00:00Z')}&to=${q('9999-12-31T23:59:59Z')}`, 'invalid-time-range'],
    ['both missing', '', 'validation'],
    ['from empty', `from=&to=${q(hour(2))}`, 'validation'],
    ['a malformed to', `from=${q(hour(1))}&to=tomorrow`, 'validation'],
    ['a date without a time', `from=2026-03-01&to=${q(hour(2))}`, 'validation'],
    ['a time without an offset', `from=2026-03-01T10:00:00&to=${q(hour(2))}`, 'validation'],
    ['February the 30th', `from=${q('2026-02-30T00:00:00Z')}&to=${q(hour(2))}`, 'validation'],
    ['hour 24', `from=${q('2026-02-28T24:00:00Z')}&to=${q(hour(2))}`, 'validation'],
    ['epoch milliseconds', `from=1772323200000&to=${q(hour(2))}`, 'validation'],
    ['SQL in a date', `from=${q("2026-03-01T00:00:00Z' OR '1'='1")}&to=${q(hour(2))}`, 'validation'],
    ['from twice', `from=${q(hour(1))}&from=${q(hour(1))}&to=${q(hour(2))}`, 'validation'],
    ['an unknown parameter', `from=${q(hour(1))}&to=${q(hour(2))}&format=csv`, 'validation'],
  ] as const)('given %s (%s), then 400 %s, whichever format was asked for', async (_name, parameters, type) => {
    const path = `/accounts/${day.account.accountId}/statement?${parameters}`;
    for (const accept of ['application/json', 'text/csv']) {
      const reply = await query.get(path, { accept });
      expect({ accept, status: reply.status, contentType: reply.headers['content-type'], type: reply.body?.type }).toEqual({
        accept,
        status: 400,
        contentType: expect.stringMatching(/^application\/problem\+json/),
        type: `${PROBLEMS}${type}`,
      });
    }
  });

  it('given a malformed account id, then 400 invalid-account-id', async () => {
    const reply = await query.get(`/accounts/not-a-uuid/statement?from=${q(hour(1))}&to=${q(hour(2))}`);
    expect({ status: reply.status, type: reply.body?.type }).toEqual({ status: 400, type: `${PROBLEMS}invalid-account-id` });
  });
});
