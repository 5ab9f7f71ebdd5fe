import { Writable } from 'node:stream';
import pino from 'pino';
import { logDestination } from './log-destination';

describe('logDestination', () => {
  it('given auto on a pipe or a file, when choosing, then pino writes its default JSON lines', () => {
    expect(logDestination('auto', false)).toBeUndefined();
    expect(logDestination('json', true)).toBeUndefined();
  });

  it('given auto on a terminal or pretty anywhere, when logging, then a line is human-readable, not JSON', async () => {
    for (const destination of [logDestination('auto', true), logDestination('pretty', false)]) {
      expect(destination).toBeDefined();
    }
    const written: string[] = [];
    const sink = new Writable({
      write: (chunk, _encoding, done) => {
        written.push(String(chunk));
        done();
      },
    });
    const prettyStream = logDestination('pretty', false, sink);
    if (prettyStream === undefined) throw new Error('expected a pretty destination');
    pino({ name: 'query' }, prettyStream).info({ accountId: 'a-1' }, 'account read');
    await new Promise((resolve) => setImmediate(resolve));
    const line = written.join('');
    expect(line).toContain('account read');
    expect(line).toContain('query');
    expect(() => JSON.parse(line)).toThrow();
  });
});
