/** Where the CLI writes: text for people, JSON for scripts. */
export interface Terminal {
  readonly isTty: boolean;
  /** Width to fit tables to on a TTY. */
  readonly columns: number;
  out(text: string): void;
  err(text: string): void;
}

export function processTerminal(): Terminal {
  return {
    isTty: process.stdout.isTTY === true,
    columns: process.stdout.columns ?? 120,
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
  };
}

export function printJson(terminal: Terminal, value: unknown): void {
  terminal.out(JSON.stringify(value, null, 2));
}

export interface Column<T> {
  readonly header: string;
  readonly align: 'left' | 'right';
  readonly cell: (row: T) => string;
}

/**
 * A plain-text table (the benchmarks' formatTable sits outside this project and aligns only numbers);
 * on a TTY the last column (free text: an error, a reason) is cut to fit the terminal, with an
 * ellipsis. Elsewhere (a pipe, a file) nothing is cut.
 */
export function renderTable<T>(terminal: Terminal, columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((column) => printable(column.cell(row))));
  const last = columns.length - 1;
  if (terminal.isTty && last > 0) {
    const before = columns.slice(0, last).map((column, i) => Math.max(column.header.length, ...cells.map((r) => (r[i] ?? '').length)));
    // One column spare: a line exactly as wide as the terminal wraps on some of them.
    const room = Math.max(10, terminal.columns - 1 - before.reduce((sum, width) => sum + width + 2, 0));
    for (const row of cells) row[last] = cut(row[last] ?? '', room);
  }
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string =>
    columns
      .map((column, i) => {
        const cell = row[i] ?? '';
        const width = widths[i] ?? 0;
        return column.align === 'left' ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

/** `2026-03-01 10:00:01Z`: to the second, in UTC. */
export function shortTime(date: Date | null): string {
  return date === null ? '-' : `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/**
 * On one line, with control characters shown as U+FFFD: an error can span lines, and text that came
 * with a message (a reason, an id) must never drive the operator's terminal with escape sequences.
 */
export function printable(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/\p{Cc}/gu, '\uFFFD');
}

/** One line redrawn in place while a long command runs (progress); `clear` before writing anything else. */
export interface StatusLine {
  show(text: string): void;
  clear(): void;
}

/** A status line on stderr when it is a terminal, at most one redraw per `redrawMs`; nothing elsewhere. */
export function stderrStatusLine(redrawMs = 250): StatusLine {
  if (process.stderr.isTTY !== true) return { show: () => undefined, clear: () => undefined };
  let drawnAt = 0;
  let drawn = false;
  return {
    show: (text) => {
      const now = Date.now();
      if (now - drawnAt < redrawMs) return;
      drawnAt = now;
      drawn = true;
      process.stderr.write(`\r${printable(text)}\u001b[K`);
    },
    clear: () => {
      if (drawn) process.stderr.write('\r\u001b[K');
      drawn = false;
    },
  };
}
