import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ApiConfig, IntegerSetting } from '@ledger/platform';

/**
 * Signs the cursors of a development stack out of the box. Every replica behind one load balancer must
 * share the secret (a cursor from one is valid on all); production sets its own through the chart.
 */
export const DEVELOPMENT_CURSOR_SECRET = 'ledger-development-cursor-secret-change-me';

export class QueryConfig extends ApiConfig {
  /** 0 picks a free port (tests). */
  @IntegerSetting(0, 65535)
  QUERY_PORT: number = 3002;

  /** `/metrics` and readiness details (see CommonConfig). */
  override MANAGEMENT_PORT: number = 9102;

  /** HMAC-SHA256 key of the pagination cursors. */
  @IsString()
  @MinLength(32)
  @MaxLength(512)
  @Matches(/^\S+$/, { message: 'must not contain whitespace' })
  QUERY_CURSOR_SECRET: string = DEVELOPMENT_CURSOR_SECRET;

  /** A comment line on every open stream this often, so proxies and clients see the connection alive. */
  @IntegerSetting(50, 300_000)
  QUERY_SSE_HEARTBEAT_MS: number = 15_000;

  /** Open streams per process; one more is refused with 503 and Retry-After. */
  @IntegerSetting(1, 100_000)
  QUERY_SSE_MAX_CLIENTS: number = 1_000;

  /** Open streams per caller (`sub`) in one process, within QUERY_SSE_MAX_CLIENTS; one more is refused with 503 and Retry-After. */
  @IntegerSetting(1, 100_000)
  QUERY_SSE_MAX_STREAMS_PER_CALLER: number = 10;

  /** A stream whose unsent bytes pass this bound belongs to a client that stopped reading: it is dropped. */
  @IntegerSetting(1_024, 64 * 1024 * 1024)
  QUERY_SSE_MAX_BUFFER_BYTES: number = 1024 * 1024;

  /** How long a stream may wait for a slow client to take what was sent before it is dropped. */
  @IntegerSetting(100, 600_000)
  QUERY_SSE_DRAIN_TIMEOUT_MS: number = 30_000;

  /**
   * How long a request waits for a database connection (a free one from the pool, or a new one) before
   * it is answered 503: an overloaded replica sheds load instead of queueing without bound.
   */
  @IntegerSetting(10, 60_000)
  QUERY_DATABASE_CONNECTION_TIMEOUT_MS: number = 5_000;

  /** Postgres' statement_timeout for this app's reads (index ranges, normally milliseconds); past it, 503. */
  @IntegerSetting(10, 600_000)
  QUERY_STATEMENT_TIMEOUT_MS: number = 5_000;

  /**
   * Reads with minVersion waiting for the read model at once, per process; one more is refused with
   * 503 `unavailable` and Retry-After. Each wait holds a subscription and a request until it ends.
   */
  @IntegerSetting(1, 1_000_000)
  QUERY_MAX_WAITERS: number = 1_000;

  /** The Retry-After (seconds) sent with a refused stream. */
  @IntegerSetting(1, 3_600)
  QUERY_SSE_RETRY_AFTER_SECONDS: number = 5;
}
