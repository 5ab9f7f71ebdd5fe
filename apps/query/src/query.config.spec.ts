import { ConfigError, loadConfig } from '@ledger/platform';
import { DEVELOPMENT_CURSOR_SECRET, QueryConfig } from './query.config';

describe('QueryConfig', () => {
  it('given an empty environment, then the documented defaults apply', () => {
    expect(loadConfig(QueryConfig, {})).toMatchObject({
      QUERY_PORT: 3002,
      QUERY_CURSOR_SECRET: DEVELOPMENT_CURSOR_SECRET,
      QUERY_SSE_HEARTBEAT_MS: 15_000,
      QUERY_SSE_MAX_CLIENTS: 1_000,
      QUERY_SSE_MAX_BUFFER_BYTES: 1024 * 1024,
      QUERY_SSE_DRAIN_TIMEOUT_MS: 30_000,
      QUERY_SSE_RETRY_AFTER_SECONDS: 5,
      QUERY_DATABASE_CONNECTION_TIMEOUT_MS: 5_000,
      QUERY_STATEMENT_TIMEOUT_MS: 5_000,
    });
  });

  it('given a cursor secret shorter than 32 characters or with spaces, then boot stops naming it', () => {
    for (const secret of ['too-short', 'a secret with spaces that is long enough']) {
      expect(() => loadConfig(QueryConfig, { QUERY_CURSOR_SECRET: secret })).toThrow(ConfigError);
    }
    expect(loadConfig(QueryConfig, { QUERY_CURSOR_SECRET: 's'.repeat(32) }).QUERY_CURSOR_SECRET).toBe('s'.repeat(32));
  });

  it('given stream bounds out of range, then boot stops', () => {
    expect(() => loadConfig(QueryConfig, { QUERY_SSE_MAX_CLIENTS: '0' })).toThrow(/QUERY_SSE_MAX_CLIENTS/);
    expect(() => loadConfig(QueryConfig, { QUERY_SSE_MAX_BUFFER_BYTES: '10' })).toThrow(/QUERY_SSE_MAX_BUFFER_BYTES/);
    expect(() => loadConfig(QueryConfig, { QUERY_SSE_HEARTBEAT_MS: 'often' })).toThrow(/QUERY_SSE_HEARTBEAT_MS/);
  });

  it('given a database wait of 0 (pg: wait forever), then boot stops', () => {
    expect(() => loadConfig(QueryConfig, { QUERY_DATABASE_CONNECTION_TIMEOUT_MS: '0' })).toThrow(/QUERY_DATABASE_CONNECTION_TIMEOUT_MS/);
    expect(() => loadConfig(QueryConfig, { QUERY_STATEMENT_TIMEOUT_MS: '0' })).toThrow(/QUERY_STATEMENT_TIMEOUT_MS/);
  });
});
