import { CurrentCaller, RequiresScope, type Caller } from '@ledger/auth';
import { Controller, Get, Headers, Logger, Param, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccountIdPipe, ApiAccountIdParam } from '@ledger/platform';
import { ApiProblems } from '../edge/api-problems.decorator';
import { clientGoneSignal } from '../edge/client-gone.signal';
import { accountNotFound, invalidLastEventId, tooManyStreams, tooManyWaiters } from '../edge/query-problems';
import { QueryConfig } from '../query.config';
import { QueryMetrics } from '../query.metrics';
import { parseLastEventId } from './last-event-id';
import { SseWriter } from './sse.writer';
import { StreamAccountHandler } from './stream-account.handler';
import { StreamAccountQueryDto } from './stream-account.query.dto';
import { StreamEventData } from './stream-event';
import { StreamRegistry } from './stream.registry';

@ApiTags('accounts')
@ApiExtraModels(StreamEventData)
@Controller('accounts')
export class StreamAccountHttpController {
  private readonly logger = new Logger('AccountStream');

  constructor(
    private readonly handler: StreamAccountHandler,
    private readonly streams: StreamRegistry,
    private readonly config: QueryConfig,
    private readonly metrics: QueryMetrics,
  ) {}

  @RequiresScope('ledger:read')
  @Get(':accountId/stream')
  @ApiOperation({
    summary: "Follow an account's changes (server-sent events)",
    description:
      'Each message: `id: <version>`, `event: <event type>`, `data: <StreamEventData as JSON>`. With `Last-Event-ID: v`, every ' +
      'change after version v is replayed first (0: the whole history), then the stream goes live, with no gap and no repeat. ' +
      'Without it, the stream starts after the current version. An account the read model has not seen yet is waited for ' +
      'as `minVersion=1` is, 2 s; its stream then starts before its first change, and one that does not appear is a 404. A `: heartbeat` comment line is sent every 15 s (QUERY_SSE_HEARTBEAT_MS). ' +
      'A client that stops reading is dropped, and the stream ends when the access token it was opened with expires; ' +
      'reconnect with a fresh token and Last-Event-ID.',
  })
  @ApiAccountIdParam()
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The last version received: 0 or a positive integer',
    schema: { type: 'string', maxLength: 16, pattern: '^(0|[1-9][0-9]{0,15})$' },
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({
    status: 200,
    description: `An endless \`text/event-stream\`; the \`data\` of each message is a ${getSchemaPath(StreamEventData)} as one line of JSON.`,
    content: {
      'text/event-stream': {
        example:
          'id: 2\nevent: MoneyDeposited\ndata: {"eventId":"…","version":2,"type":"MoneyDeposited","amount":250,"balanceAfter":1250,' +
          '"reason":null,"occurredAt":"2026-03-01T10:00:02.000Z","balance":1250,"status":"ACTIVE"}\n\n',
      },
    },
  })
  @ApiProblems('validation', 'invalid-account-id', 'invalid-last-event-id', 'account-not-found', 'too-many-streams')
  async stream(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Query() _query: StreamAccountQueryDto,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Res() reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    const lastEventId = parseLastEventId(lastEventIdHeader);
    if (lastEventId === null) throw invalidLastEventId();
    const writer = new SseWriter(reply, this.config.QUERY_SSE_MAX_BUFFER_BYTES, () => this.metrics.sseDropped.inc());
    const slot = this.streams.tryAcquire(caller.subject, () => writer.end());
    if (typeof slot === 'string') {
      reply.header('Retry-After', String(this.config.QUERY_SSE_RETRY_AFTER_SECONDS));
      throw tooManyStreams(slot);
    }
    try {
      const opened = await this.handler.open(accountId, lastEventId, caller, clientGoneSignal(reply));
      if (opened.kind === 'not-found') throw accountNotFound(accountId);
      if (opened.kind === 'busy') throw tooManyWaiters();
      writer.open();
      opened
        .follow(writer)
        .catch((error: unknown) => this.logger.warn(`stream of ${accountId} ended by an error: ${String(error)}`))
        .finally(() => {
          slot.release();
          writer.end();
        });
    } catch (error) {
      slot.release();
      throw error;
    }
  }
}
