import { ConfigError, loadConfig } from '@ledger/platform';
import { DEVELOPMENT_CURSOR_SECRET, QueryConfig } from './query.config';

const ISSUER = 'https://issuer.example.com';

describe('QueryConfig', () => {
  it('given an empty environment, then boot stops naming the issuer, which has no default', () => {
    expect(() => loadConfig(QueryConfig, {})).toThrow(/OIDC_ISSUER/);
  });

  it('given only the issuer, then the documented defaults apply', () => {
    expect(loadConfig(QueryConfig, { OIDC_ISSUER: ISSUER })).toMatchObject({
      OIDC_AUDIENCE: 'ledger',
      OIDC_TOKEN_TYPE: 'at+jwt',
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

  it('given only the issuer, then the limits have their documented defaults', () => {
    expect(loadConfig(QueryConfig, { OIDC_ISSUER: 'https://issuer.example.com' })).toMatchObject({
      QUERY_SSE_MAX_STREAMS_PER_CALLER: 10,
      QUERY_MAX_WAITERS: 1_000,
      RATE_LIMIT_PER_SECOND: 50,
      RATE_LIMIT_BURST: 100,
      RATE_LIMIT_OPERATOR_PER_SECOND: 0,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_CONNECTION_TIMEOUT_MS: 60_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 72_000,
    });
  });

  it('given limits out of range, then boot stops naming them', () => {
    for (const [name, value] of [
      ['QUERY_MAX_WAITERS', '0'],
      ['QUERY_SSE_MAX_STREAMS_PER_CALLER', '0'],
      ['RATE_LIMIT_PER_SECOND', '0'],
      ['RATE_LIMIT_BURST', 'many'],
      ['RATE_LIMIT_OPERATOR_PER_SECOND', '-1'],
      ['HTTP_REQUEST_TIMEOUT_MS', '-5'],
      ['HTTP_KEEP_ALIVE_TIMEOUT_MS', '0'],
    ] as const) {
      expect(() => loadConfig(QueryConfig, { [name]: value })).toThrow(new RegExp(name));
    }
  });

  it('given a cursor secret shorter than 32 characters or with spaces, then boot stops naming it', () => {
    for (const secret of ['too-short', 'a secret with spaces that is long enough']) {
      expect(() => loadConfig(QueryConfig, { QUERY_CURSOR_SECRET: secret })).toThrow(ConfigError);
    }
    expect(loadConfig(QueryConfig, { OIDC_ISSUER: ISSUER, QUERY_CURSOR_SECRET: 's'.repeat(32) }).QUERY_CURSOR_SECRET).toBe('s'.repeat(32));
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
