import { printable, renderTable, shortTime, type Column, type Terminal } from './ledger.output';

interface Row {
  readonly id: string;
  readonly error: string;
}

const COLUMNS: readonly Column<Row>[] = [
  { header: 'ID', align: 'right', cell: (r) => r.id },
  { header: 'ERROR', align: 'left', cell: (r) => r.error },
];

const terminal = (isTty: boolean, columns = 30): Terminal => ({ isTty, columns, out: () => undefined, err: () => undefined });

describe('renderTable', () => {
  const rows: Row[] = [
    { id: '7', error: 'version gap: expected version 3, got 4' },
    { id: '12', error: 'short' },
  ];

  it('given a TTY, then the last column is cut to the terminal width with an ellipsis', () => {
    const lines = renderTable(terminal(true, 30), COLUMNS, rows).split('\n');
    expect(lines[0]).toBe('ID  ERROR');
    expect(lines[2]).toBe(' 7  version gap: expected ve…');
    expect(lines[3]).toBe('12  short');
    for (const line of lines) expect(line.length).toBeLessThan(30);
  });

  it('given a pipe, then nothing is cut', () => {
    expect(renderTable(terminal(false), COLUMNS, rows).split('\n')[2]).toBe(' 7  version gap: expected version 3, got 4');
  });

  it('given text with line breaks and escape sequences, then each row stays one harmless line', () => {
    const table = renderTable(terminal(false), COLUMNS, [{ id: '1', error: 'first\n  second\u001b[2J\u0007' }]);
    expect(table.split('\n')[2]).toBe(' 1  first second\uFFFD[2J\uFFFD');
  });
});

describe('printable and shortTime', () => {
  it('keeps ordinary text as it is', () => {
    expect(printable('undecodable message: value is not JSON (é, ü)')).toBe('undecodable message: value is not JSON (é, ü)');
  });

  it('writes a time to the second, in UTC, and a missing one as a dash', () => {
    expect(shortTime(new Date('2026-03-01T10:00:01.987+02:00'))).toBe('2026-03-01 08:00:01Z');
    expect(shortTime(null)).toBe('-');
  });
});
