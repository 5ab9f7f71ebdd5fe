import { classifyDatabaseFailure, DatabaseUnavailableError, mayPark, shouldIsolate } from './database-failure';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('classifyDatabaseFailure', () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['the server ended the session', new Error('Connection terminated unexpectedly')],
    ['the pool could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['no connection at all', new DatabaseUnavailableError(new Error('whatever'))],
    ['admin shutdown', pgError('57P01')],
    ['cannot connect now', pgError('57P03')],
    ['connection exception class', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['disk full', pgError('53100')],
    ['a missing table', pgError('42P01')],
    ['a missing grant', pgError('42501')],
    ['a read-only standby', pgError('25006')],
  ])('%s is an outage', (_what, error) => {
    expect(classifyDatabaseFailure(error)).toBe('outage');
  });

  it.each([
    ['a NUL byte in text', pgError('22021')],
    ['a number out of range', pgError('22003')],
    ['a check violation', pgError('23514')],
    ['a foreign key violation', pgError('23503')],
  ])('%s is data the database refuses', (_what, error) => {
    expect(classifyDatabaseFailure(error)).toBe('data');
  });

  it.each([
    ['a deadlock', pgError('40P01')],
    ['a serialization failure', pgError('40001')],
    ['a lock timeout', pgError('55P03')],
    ['an object in use', pgError('55006')],
    ['a statement timeout', pgError('57014')],
  ])('%s is transient', (_what, error) => {
    expect(classifyDatabaseFailure(error)).toBe('transient');
  });

  it.each([
    ['an internal error', pgError('XX000')],
    ['an error of unknown shape', new Error('something else')],
    ['not even an error', 'a string'],
    ['null', null],
  ])('%s is unexplained', (_what, error) => {
    expect(classifyDatabaseFailure(error)).toBe('unexplained');
  });
});

describe('mayPark', () => {
  it('only for failures that may be the rows own', () => {
    expect(mayPark('data')).toBe(true);
    expect(mayPark('unexplained')).toBe(true);
    expect(mayPark('transient')).toBe(false);
    expect(mayPark('outage')).toBe(false);
  });
});

describe('shouldIsolate', () => {
  it('never for an outage, however long it lasts', () => {
    expect(shouldIsolate('outage', { refusals: 0, maxAttempts: 1 })).toBe(false);
    expect(shouldIsolate('outage', { refusals: 1_000, maxAttempts: 5 })).toBe(false);
  });

  it('for data, once the refusal repeated', () => {
    expect(shouldIsolate('data', { refusals: 1, maxAttempts: 5 })).toBe(false);
    expect(shouldIsolate('data', { refusals: 2, maxAttempts: 5 })).toBe(true);
  });

  it('for data with a single attempt allowed, at once', () => {
    expect(shouldIsolate('data', { refusals: 1, maxAttempts: 1 })).toBe(true);
  });

  it('never for transient failures, however often they repeat', () => {
    expect(shouldIsolate('transient', { refusals: 5, maxAttempts: 5 })).toBe(false);
    expect(shouldIsolate('transient', { refusals: 1_000, maxAttempts: 1 })).toBe(false);
  });

  it('for unexplained failures, after the configured attempts', () => {
    expect(shouldIsolate('unexplained', { refusals: 4, maxAttempts: 5 })).toBe(false);
    expect(shouldIsolate('unexplained', { refusals: 5, maxAttempts: 5 })).toBe(true);
  });
});
