import rateLimit from '@fastify/rate-limit';
import { AccessTokenVerifier } from '@ledger/auth';
import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { nameHttpRoute } from '@ledger/tracing';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiConfig, CommonConfig } from '../config/common-config';
import { ManagementServer } from '../management/management.server';
import { countHttpRequests } from '../metrics/http-metrics.hook';
import { MetricsRegistry } from '../metrics/metrics.registry';
import { correlationIdOf } from './correlation-id';
import { firstNonIntegerNumber } from './integer-literals';
import { PROBLEM_CONTENT_TYPE, problemType, SHARED_PROBLEMS, sharedProblem, type SharedProblemSlug } from './problem';
import { rateLimitOptions, rateLimitsOf } from './rate-limit';

export const BODY_LIMIT = '64kb';
const BODY_LIMIT_BYTES = 64 * 1024;
/** application/json and application/*+json, with or without parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json(?:\s*;|$)/i;
const NOT_JSON = 'The request body is not valid JSON.';
/** How often Node looks for requests past HTTP_REQUEST_TIMEOUT_MS (its default, 30 s, would let a stalled one live that much longer). */
const REQUEST_TIMEOUT_CHECK_MS = 1_000;

const CLIENT_ERRORS: Record<string, [slug: SharedProblemSlug, reason: string]> = {
  HPE_HEADER_OVERFLOW: ['headers-too-large', 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: ['request-timeout', 'Request Timeout'],
};

/**
 * Errors Node's HTTP parser raises before the framework sees the request (oversized headers, garbage)
 * get a problem+json answer too, instead of a bare status line.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A response already under way (a route that answered before reading the whole body) must not get a second status line.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [slug, reason] = CLIENT_ERRORS[error.code ?? ''] ?? ['bad-request', 'Bad Request'];
  const { status, title } = SHARED_PROBLEMS[slug];
  const body = JSON.stringify({ type: problemType(slug), title, status });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Strict JSON, as the only body there is: a top-level value must be an object or an array, an
 * empty body (unfreeze, close) is an empty object, and a number is an integer literal. It replaces
 * fastify's parser, so fastify's onProtoPoisoning and onConstructorPoisoning never run: `__proto__`,
 * `constructor` and `prototype` stay ordinary keys, at any depth, for the validation pipe to refuse by
 * name (400 `validation` naming the field), never stripped.
 */
function parseJsonBody(_request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void): void {
  if (body.trim() === '') {
    done(null, {});
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    done(sharedProblem('malformed-json', NOT_JSON));
    return;
  }
  if (typeof value !== 'object' || value === null) {
    done(sharedProblem('malformed-json', NOT_JSON));
    return;
  }
  // Every number the API takes is an integer, and `1.0` parses as one: refuse it as the float it was written as.
  const field = firstNonIntegerNumber(body);
  if (field !== undefined) {
    done(
      sharedProblem('validation', 'The request is not valid.', {
        errors: [{ field, messages: [`${field} must be an integer, written without a fraction or an exponent`] }],
      }),
    );
    return;
  }
  done(null, value);
}

/**
 * Errors fastify raises before a route runs (body too large, media type, malformed JSON) reach Nest's
 * error handler, and so the ProblemDetailsFilter, like any other.
 */
function shareEdge(instance: FastifyInstance): void {
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, parseJsonBody);
  instance.addHook('onRequest', (request, reply, done) => {
    correlationIdOf(request.raw, reply.raw);
    if (!request.is404 && request.routeOptions.url) nameHttpRoute(request.routeOptions.url);
    done();
  });
}

/** Node's own bound on the headers alone. */
const HEADERS_TIMEOUT_MS = 60_000;

/**
 * The app's HTTP_* timeouts, set on the server as fastify sets its own (connectionTimeout,
 * requestTimeout, keepAliveTimeout). In Node 20 a request whose body stalls is cut only once it is
 * past the headers timeout too, which the server's constructor caps at requestTimeout: set after
 * construction, the cap is applied here, or a stalled body would live on for the headers' 60 s.
 */
function applyTimeouts(server: Server, config: CommonConfig): void {
  const requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  server.setTimeout(config.HTTP_CONNECTION_TIMEOUT_MS);
  server.requestTimeout = requestTimeout;
  server.headersTimeout = requestTimeout > 0 ? Math.min(HEADERS_TIMEOUT_MS, requestTimeout) : HEADERS_TIMEOUT_MS;
  server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
}

/**
 * Creates the Nest HTTP app with the shared edge: correlation ids, JSON-only bodies up to 64 KiB,
 * problem+json, the HTTP_* timeouts, and for the apps that serve callers with tokens, a rate limit
 * per caller (routes are added later, at init, so the limiter sees each of them).
 */
export async function createHttpApp(module: Type | DynamicModule): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    http: { connectionsCheckingInterval: REQUEST_TIMEOUT_CHECK_MS },
    routerOptions: {
      // Ids longer than fastify's default of 100 must reach the id pipe (a 400), not fall through to a 404.
      maxParamLength: 1000,
      ignoreTrailingSlash: true,
    },
    clientErrorHandler: answerClientError,
    // No app mounts Nest middleware (request lines are fastify hooks: see LoggingModule), so no request pays for a middleware runner.
    skipMiddie: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  const instance = app.getHttpAdapter().getInstance();
  shareEdge(instance);
  countHttpRequests(instance, app.get(MetricsRegistry));
  const config = app.get(CommonConfig);
  applyTimeouts(instance.server, config);
  if (config instanceof ApiConfig) await app.register(rateLimit, rateLimitOptions(rateLimitsOf(config), app.get(AccessTokenVerifier)));
  app.enableShutdownHooks();
  return app;
}

/** The public port, then the management port (MANAGEMENT_PORT: metrics and readiness details). */
export async function listen(app: INestApplication, port: number, serviceName: string): Promise<void> {
  await app.listen(port, '0.0.0.0');
  const managementPort = await app.get(ManagementServer).start(app.get(CommonConfig).MANAGEMENT_PORT, '0.0.0.0');
  const { port: publicPort } = (app.getHttpServer() as Server).address() as AddressInfo;
  app
    .get(Logger)
    .log(`${serviceName} listening on http://127.0.0.1:${publicPort}, management (metrics) on http://127.0.0.1:${managementPort}`);
}

/** Entry point wrapper: a failure during boot exits non-zero with the error, never hangs half-started. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
