import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import { pino, type DestinationStream, type Logger } from 'pino';
import { traceLogFields } from '@ledger/tracing';
import type { LogFormat, LogLevel } from '../config/common-config';
import { logDestination } from './log-destination';
import { logRequests } from './request-log.hook';

/** Credentials never reach a log line: bearer tokens and cookies (each request's line carries its headers). */
export const REDACTED_HEADERS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]'];

const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** Adds the request lines to the app's fastify instance, when the app serves HTTP (a worker's context does not). */
@Injectable()
class RequestLogging implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const instance: unknown = this.adapterHost.httpAdapter?.getInstance();
    if (typeof instance === 'object' && instance !== null && 'addHook' in instance) logRequests(instance as FastifyInstance, this.logger);
  }
}

/**
 * pino logs, JSON or pretty (see LOG_FORMAT); each request's line carries the correlation id as `req.id`,
 * and with tracing on every line written inside a traced operation carries `trace_id` and `span_id`.
 * One pino logger serves the app's Nest logger and the request lines; nestjs-pino's middleware (a
 * pino-http child logger and an async context per request) is not mounted.
 */
@Module({})
export class LoggingModule {
  /** `output`: where the lines go instead of stdout (a test reading what is logged). */
  static forRoot(serviceName: string, level: LogLevel, format: LogFormat = 'auto', output?: DestinationStream): DynamicModule {
    const logger = pino(
      { name: serviceName, level, redact: REDACTED_HEADERS, mixin: traceLogFields },
      output ?? logDestination(format, process.stdout.isTTY === true),
    );
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] })],
      providers: [{ provide: ROOT_LOGGER, useValue: logger }, RequestLogging],
      exports: [LoggerModule],
    };
  }
}
