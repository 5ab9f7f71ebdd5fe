import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { traceLogFields } from '@ledger/tracing';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream } from 'pino';
import { correlationIdOf } from '../http/correlation-id';
import type { LogFormat, LogLevel } from '../config/common-config';
import { logDestination } from './log-destination';

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);
/** Credentials never reach a log line: bearer tokens and cookies (pino-http logs the request's headers). */
export const REDACTED_HEADERS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]'];

/**
 * pino logs, JSON or pretty (see LOG_FORMAT); each request line carries the correlation id as `req.id`,
 * and with tracing on every line written inside a traced operation carries `trace_id` and `span_id`.
 */
@Module({})
export class LoggingModule {
  /** `output`: where the lines go instead of stdout (a test reading what is logged). */
  static forRoot(serviceName: string, level: LogLevel, format: LogFormat = 'auto', output?: DestinationStream): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: serviceName,
            level,
            genReqId: (req: IncomingMessage, res: ServerResponse) => correlationIdOf(req, res),
            autoLogging: { ignore: (req) => QUIET_PATHS.has(req.url?.split('?')[0] ?? '') },
            redact: REDACTED_HEADERS,
            mixin: traceLogFields,
            stream: output ?? logDestination(format, process.stdout.isTTY === true),
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
