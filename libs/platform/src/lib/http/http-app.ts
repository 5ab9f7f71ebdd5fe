import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { nameHttpRoute } from '@ledger/tracing';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { CommonConfig } from '../config/common-config';
import { ManagementServer } from '../management/management.server';
import { countHttpRequests } from '../metrics/http-metrics.hook';
import { MetricsRegistry } from '../metrics/metrics.registry';
import { correlationIdOf } from './correlation-id';
import { PROBLEM_CONTENT_TYPE, problemType, SHARED_PROBLEMS, sharedProblem } from './problem';

export const BODY_LIMIT = '64kb';
const BODY_LIMIT_BYTES = 64 * 1024;
/** application/json and application/*+json, with or without parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json(?:\s*;|$)/i;
const NOT_JSON = 'The request body is not valid JSON.';

/**
 * Errors Node's HTTP parser raises before the framework sees the request (oversized headers, garbage)
 * get a problem+json answer too, instead of a bare status line.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const slug = error.code === 'HPE_HEADER_OVERFLOW' ? 'headers-too-large' : 'bad-request';
  const { status, title } = SHARED_PROBLEMS[slug];
  const body = JSON.stringify({ type: problemType(slug), title, status });
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Strict JSON, as the only body there is: a top-level value must be an object or an array, and an
 * empty body (unfreeze, close) is an empty object. `__proto__` stays an ordinary key for the
 * validation pipe to refuse by name.
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

/** Creates the Nest HTTP app with the shared edge: correlation ids, JSON-only bodies up to 64 KiB, problem+json. */
export async function createHttpApp(module: Type | DynamicModule): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: {
      // Ids longer than fastify's default of 100 must reach the id pipe (a 400), not fall through to a 404.
      maxParamLength: 1000,
      ignoreTrailingSlash: true,
    },
    clientErrorHandler: answerClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  const instance = app.getHttpAdapter().getInstance();
  shareEdge(instance);
  countHttpRequests(instance, app.get(MetricsRegistry));
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
