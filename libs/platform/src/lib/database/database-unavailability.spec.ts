import { databaseUnavailability } from './database-unavailability';

const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('databaseUnavailability', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['connection reset', withCode('ECONNRESET', 'read ECONNRESET')],
    ['a broken pipe (a SQLSTATE-shaped code)', withCode('EPIPE', 'write EPIPE')],
    ['the server ended the session', new Error('Connection terminated unexpectedly')],
    ['the pool could not hand out a connection in time', new Error('timeout exceeded when trying to connect')],
    ['a new connection timed out', new Error('Connection terminated due to connection timeout')],
    ['admin shutdown', withCode('57P01')],
    ['crash shutdown', withCode('57P02')],
    ['cannot connect now', withCode('57P03')],
    ['a connection exception', withCode('08006')],
    ['too many connections', withCode('53300')],
    ['out of memory', withCode('53200')],
    ['a read-only standby', withCode('25006')],
    ['an outage wrapped as a cause', new Error('no database connection', { cause: withCode('ECONNREFUSED') })],
    ['an outage wrapped as a driver error', Object.assign(new Error('query failed'), { driverError: withCode('57P01') })],
  ])('%s: unreachable', (_what, error) => {
    expect(databaseUnavailability(error)).toBe('unreachable');
  });

  it('a statement timeout (query cancelled): timed-out', () => {
    expect(databaseUnavailability(withCode('57014', 'canceling statement due to statement timeout'))).toBe('timed-out');
  });

  it.each([
    ['a unique violation', withCode('23505')],
    ['a deadlock', withCode('40P01')],
    ['a missing table', withCode('42P01')],
    ['an ordinary error', new Error('something else')],
    ['a string', 'Connection terminated'],
    ['null', null],
  ])('%s: not an unavailability', (_what, error) => {
    expect(databaseUnavailability(error)).toBeNull();
  });
});
