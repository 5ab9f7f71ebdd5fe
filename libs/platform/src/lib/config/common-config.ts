import 'reflect-metadata';
import { IsIn, IsInt, IsString, IsUrl, Matches, Max, Min } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Settings every app shares. Each app's config class extends it with its own port and knobs. */
export class CommonConfig {
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/ledger';

  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 20;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** `auto`: human-readable lines on a terminal, JSON (for log collectors) everywhere else. */
  @IsIn(LOG_FORMATS)
  LOG_FORMAT: LogFormat = 'auto';

  @IsString()
  SERVICE_VERSION: string = '0.0.0';

  /**
   * A socket that moves no byte either way for this long is closed (0: never). It must exceed the
   * longest silent wait a route has: a read-your-writes wait is at most 10 s (streams are exempt:
   * their heartbeat and drain timeout govern them).
   */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  HTTP_CONNECTION_TIMEOUT_MS: number = 60_000;

  /** The whole request (headers and body) must arrive within this (0: no limit); a stalled one gets 408. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  HTTP_REQUEST_TIMEOUT_MS: number = 30_000;

  /** An idle keep-alive connection is closed after this; above a load balancer's idle timeout (often 60 s), so it closes first. */
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number = 72_000;
}

/** Kafka settings for the apps that talk to the broker (relay, projector). */
export class KafkaConfig extends CommonConfig {
  @Matches(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, { message: 'must be host:port[,host:port...]' })
  KAFKA_BROKERS: string = '127.0.0.1:9092';

  @Matches(/^[\w.-]{1,249}$/, { message: 'must be a valid Kafka topic name' })
  KAFKA_TOPIC: string = 'account-events';

  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_TOPIC_PARTITIONS: number = 12;

  /** For the topics an app creates when they are missing: the relay its topic, the projector its dead-letter topic. */
  @IsInt()
  @Min(1)
  @Max(16)
  KAFKA_REPLICATION_FACTOR: number = 1;
}

export function brokerList(brokers: string): string[] {
  return brokers.split(',').map((broker) => broker.trim());
}

/** Settings of the apps that serve an API to callers with tokens (command, query). */
export class ApiConfig extends CommonConfig {
  /** The OpenID Connect issuer whose access tokens are accepted (`iss`); its discovery document names the keys. */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be the issuer URL' })
  OIDC_ISSUER: string = '';

  /** `aud` must contain it. */
  @Matches(/^\S{1,200}$/, { message: 'must be one audience' })
  OIDC_AUDIENCE: string = 'ledger';

  /** The `typ` header a token must carry (RFC 9068's `at+jwt`); `any` accepts tokens from issuers that send `JWT`. */
  @Matches(/^(?:[\w.+-]{1,50}|any)$/, { message: 'must be a JOSE typ such as at+jwt, or any' })
  OIDC_TOKEN_TYPE: string = 'at+jwt';

  /** How soon a token with an unknown key id may make the app fetch the issuer's keys again. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  OIDC_JWKS_COOLDOWN_MS: number = 30_000;

  /** Requests per second per caller without `ledger:operate` (by `sub`, or by IP without a valid token). */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_PER_SECOND: number = 50;

  /** How many of them a caller may send at once: the limit counts per window of BURST / PER_SECOND seconds. */
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_BURST: number = 100;

  /** The same for callers with `ledger:operate` (services, operators, benchmarks); 0: not limited. */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_OPERATOR_PER_SECOND: number = 0;

  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_OPERATOR_BURST: number = 2_000;
}

/** The verifier's options from the validated settings. */
export function accessTokenOptionsOf(config: ApiConfig) {
  return {
    issuer: config.OIDC_ISSUER,
    audience: config.OIDC_AUDIENCE,
    tokenType: config.OIDC_TOKEN_TYPE === 'any' ? '' : config.OIDC_TOKEN_TYPE,
    jwksCooldownMs: config.OIDC_JWKS_COOLDOWN_MS,
  };
}
