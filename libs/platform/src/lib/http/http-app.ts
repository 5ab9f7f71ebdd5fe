import { DynamicModule, INestApplication, Logger as NestLogger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { correlationIdOf } from './correlation-id';
import { problemType, PROBLEM_CONTENT_TYPE } from './problem';
import { writeProblem } from './problem-details.filter';

export const BODY_LIMIT = '64kb';
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

function hasBody(request: Request): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

/** JSON only: a body of another media type is a 415, not a silently empty body. */
function requireJson(request: Request, response: Response, next: NextFunction): void {
  if (METHODS_WITH_BODY.has(request.method) && hasBody(request) && !request.is(['application/json', 'application/*+json'])) {
    response
      .status(415)
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify({
          type: problemType('unsupported-media-type'),
          title: 'Unsupported media type',
          status: 415,
          detail: 'Send the body as application/json.',
        }),
      );
    return;
  }
  next();
}

/**
 * Errors Node's HTTP parser raises before Express sees the request (oversized headers, garbage) get
 * a problem+json answer too, instead of a bare status line.
 */
function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({
      type: problemType(status === 431 ? 'headers-too-large' : 'bad-request'),
      title: status === 431 ? 'Request header fields too large' : 'Bad request',
      status,
    });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/** Creates the Nest HTTP app with the shared edge: correlation ids, JSON-only bodies up to 64 KiB, problem+json. */
export async function createHttpApp(module: Type | DynamicModule): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('etag', false);
  const logger = new NestLogger('Http');
  app.use((request: Request, response: Response, next: NextFunction) => {
    correlationIdOf(request, response);
    next();
  });
  app.use(requireJson);
  app.use(json({ limit: BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }));
  app.use((request: Request, _response: Response, next: NextFunction) => {
    // A command without a body (unfreeze, close) is an empty object, not a missing one.
    if (METHODS_WITH_BODY.has(request.method) && request.body === undefined) request.body = {};
    next();
  });
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) =>
    writeProblem(error, request, response, logger),
  );
  app.enableShutdownHooks();
  answerClientErrors(app.getHttpServer() as Server);
  return app;
}

export async function listen(app: INestApplication, port: number, serviceName: string): Promise<void> {
  await app.listen(port, '0.0.0.0');
  app.get(Logger).log(`${serviceName} listening on http://127.0.0.1:${port}`);
}

/** Entry point wrapper: a failure during boot exits non-zero with the error, never hangs half-started. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
