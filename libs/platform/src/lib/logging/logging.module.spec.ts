import { UnauthenticatedError } from '@ledger/auth';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import { LoggingModule } from './logging.module';

// Shaped like a real access token, so a leak of any part of it shows.
const TOKEN_PARTS = ['eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9', 'eyJzdWIiOiJ1c2VyLWFkYSJ9', 'c2lnbmF0dXJlLW9mLWFkYXMtdG9rZW4'];
const TOKEN = TOKEN_PARTS.join('.');
const COOKIE = 'session=cookie-secret-4711';
const PROXY_CREDENTIALS = 'Basic cHJveHk6cHJveHktc2VjcmV0';

@Controller()
class ProbeController {
  @Get('accepted')
  accepted() {
    return { ok: true };
  }

  @Get('refused')
  refused() {
    throw new UnauthenticatedError('signature verification failed');
  }

  @Get('broken')
  broken() {
    throw new Error('an unexpected fault');
  }
}

interface LogLine {
  readonly msg?: string;
  readonly req?: { readonly url?: string; readonly headers?: Record<string, unknown> };
  readonly res?: { readonly statusCode?: number };
}

describe('request logging', () => {
  const written: string[] = [];
  let app: NestFastifyApplication;

  beforeAll(async () => {
    @Module({
      imports: [LoggingModule.forRoot('probe', 'info', 'json', { write: (line: string) => written.push(line) })],
      controllers: [ProbeController],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    })
    class ProbeModule {}

    app = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter(), { bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  const send = (url: string) =>
    app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${TOKEN}`, cookie: COOKIE, 'proxy-authorization': PROXY_CREDENTIALS },
    });

  it('given requests with a bearer token, cookies and proxy credentials, then each is logged with those headers redacted and none of them anywhere', async () => {
    const statuses = [(await send('/accepted')).statusCode, (await send('/refused')).statusCode, (await send('/broken')).statusCode];
    await new Promise((resolve) => setImmediate(resolve));

    expect(statuses).toEqual([200, 401, 500]);
    const lines = written
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogLine);
    const requests = lines.filter((line) => line.req?.url !== undefined && line.res?.statusCode !== undefined);
    expect(requests.map((line) => [line.req?.url, line.res?.statusCode])).toEqual([
      ['/accepted', 200],
      ['/refused', 401],
      ['/broken', 500],
    ]);
    for (const { req } of requests) {
      expect(req?.headers).toMatchObject({ authorization: '[Redacted]', cookie: '[Redacted]', 'proxy-authorization': '[Redacted]' });
    }
    const everything = written.join('');
    for (const secret of [...TOKEN_PARTS, 'cookie-secret-4711', PROXY_CREDENTIALS.split(' ')[1] ?? '']) {
      expect(everything).not.toContain(secret);
    }
  });
});
