import 'reflect-metadata';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';

/** A whole number from `min` to `max`: the shape of most settings (ports, sizes, counts, durations). */
export function IntegerSetting(min: number, max: number): PropertyDecorator {
  // Applied in the order of the stack `@IsInt() @Min(min) @Max(max)` it stands for (the lowest first).
  const decorators = [Max(max), Min(min), IsInt()];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Settings every app shares. Each app's config class extends it with its own port and knobs. */
export class CommonConfig {
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/ledger';

  @IntegerSetting(1, 200)
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
  @IntegerSetting(0, 3_600_000)
  HTTP_CONNECTION_TIMEOUT_MS: number = 60_000;

  /** The whole request (headers and body) must arrive within this (0: no limit); a stalled one gets 408. */
  @IntegerSetting(0, 3_600_000)
  HTTP_REQUEST_TIMEOUT_MS: number = 30_000;

  /** An idle keep-alive connection is closed after this; above a load balancer's idle timeout (often 60 s), so it closes first. */
  @IntegerSetting(1, 3_600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number = 72_000;

  /**
   * The management listener: `/metrics` and readiness with reasons, never on the public port. Each
   * app's config sets its own default (9101 command, 9102 query, 9103 relay, 9104 projector); 0 picks a free port.
   */
  @IntegerSetting(0, 65535)
  MANAGEMENT_PORT: number = 9100;
}

export const KAFKA_SASL_MECHANISMS = ['none', 'scram-sha-256', 'scram-sha-512', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** `true` or `false` only: implicit conversion would read the string `false` as true. */
export function BooleanSetting(): PropertyDecorator {
  const fromText = Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
    const raw = obj[key];
    if (raw === undefined || typeof raw === 'boolean') return raw;
    return raw === 'true' ? true : raw === 'false' ? false : raw;
  });
  const decorators = [IsBoolean({ message: 'must be true or false' }), fromText];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

/** A SASL user name or password: required with a mechanism, refused without one (a half-configured client). */
function saslCredential(): PropertyDecorator {
  const mechanismOf = (args: ValidationArguments) => (args.object as KafkaConfig).KAFKA_SASL_MECHANISM;
  return ValidateBy({
    name: 'saslCredential',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        args !== undefined && (mechanismOf(args) === 'none' ? value === '' : typeof value === 'string' && value !== ''),
      defaultMessage: (args?: ValidationArguments) =>
        args !== undefined && mechanismOf(args) === 'none'
          ? 'is set but KAFKA_SASL_MECHANISM is not: set the mechanism, user name and password together'
          : 'is required when KAFKA_SASL_MECHANISM is set',
    },
  });
}

/** Kafka settings for the apps that talk to the broker (relay, projector). */
export class KafkaConfig extends CommonConfig {
  @Matches(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, { message: 'must be host:port[,host:port...]' })
  KAFKA_BROKERS: string = '127.0.0.1:9092';

  @Matches(/^[\w.-]{1,249}$/, { message: 'must be a valid Kafka topic name' })
  KAFKA_TOPIC: string = 'account-events';

  @IntegerSetting(1, 1000)
  KAFKA_TOPIC_PARTITIONS: number = 12;

  /** For the topics an app creates when they are missing: the relay its topic, the projector its dead-letter topic. */
  @IntegerSetting(1, 16)
  KAFKA_REPLICATION_FACTOR: number = 1;

  /**
   * `min.insync.replicas` of those topics: with the producers' acks=all, a write is acknowledged once
   * this many replicas have it, and refused while fewer are in sync. At most KAFKA_REPLICATION_FACTOR.
   */
  @IsInt()
  @Min(1)
  @Max(16)
  @ValidateBy({
    name: 'atMostReplicationFactor',
    validator: {
      // An invalid replication factor is reported on its own; comparing with it would say nothing more.
      validate: (value: unknown, args) => {
        const replicas = (args?.object as KafkaConfig | undefined)?.KAFKA_REPLICATION_FACTOR;
        return typeof value !== 'number' || typeof replicas !== 'number' || !(replicas >= 1) || value <= replicas;
      },
      defaultMessage: () => 'must not exceed KAFKA_REPLICATION_FACTOR',
    },
  })
  KAFKA_MIN_INSYNC_REPLICAS: number = 1;

  /** TLS to the brokers, verified against the system's CAs or KAFKA_SSL_CA_FILE. */
  @BooleanSetting()
  KAFKA_SSL: boolean = false;

  /** A PEM file of the CA(s) that signed the brokers' certificates, read at boot; needs KAFKA_SSL=true. */
  @ValidateIf((config: KafkaConfig) => config.KAFKA_SSL_CA_FILE !== '')
  @Matches(/^\S+$/, { message: 'must be a file path without whitespace' })
  @ValidateBy({
    name: 'needsSsl',
    validator: {
      validate: (_value, args) => (args?.object as KafkaConfig | undefined)?.KAFKA_SSL === true,
      defaultMessage: () => 'needs KAFKA_SSL=true',
    },
  })
  KAFKA_SSL_CA_FILE: string = '';

  /** SASL authentication to the brokers (`none`: none); a mechanism needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD. */
  @IsIn(KAFKA_SASL_MECHANISMS)
  KAFKA_SASL_MECHANISM: KafkaSaslMechanism = 'none';

  @saslCredential()
  KAFKA_SASL_USERNAME: string = '';

  @saslCredential()
  KAFKA_SASL_PASSWORD: string = '';
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
  @IntegerSetting(0, 3_600_000)
  OIDC_JWKS_COOLDOWN_MS: number = 30_000;

  /** Requests per second per caller without `ledger:operate` (by `sub`, or by IP without a valid token). */
  @IntegerSetting(1, 1_000_000)
  RATE_LIMIT_PER_SECOND: number = 50;

  /** How many of them a caller may send at once: the limit counts per window of BURST / PER_SECOND seconds. */
  @IntegerSetting(1, 10_000_000)
  RATE_LIMIT_BURST: number = 100;

  /** The same for callers with `ledger:operate` (services, operators, benchmarks); 0: not limited. */
  @IntegerSetting(0, 1_000_000)
  RATE_LIMIT_OPERATOR_PER_SECOND: number = 0;

  @IntegerSetting(1, 10_000_000)
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
