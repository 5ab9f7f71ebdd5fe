import { CurrentCaller, RequiresScope, type Caller } from '@ledger/auth';
import { Controller, Get, Headers, Logger, Param, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { AccountIdPipe, ApiAccountIdParam } from '@ledger/platform';
import { ApiProblems } from '../edge/api-problems.decorator';
import { accountNotFound, invalidTimeRange, periodTooLong } from '../edge/query-problems';
import { isLongerThanDays, isReversedRange } from '../edge/rfc3339';
import { GetStatementHandler, STATEMENT_PAGE_SIZE } from './get-statement.handler';
import { GetStatementQueryDto } from './get-statement.query.dto';
import { CSV_COLUMNS, statementCsv, statementJson } from './statement.format';
import { StatementResponse } from './statement.response';

const CSV = 'text/csv';
const JSON_TYPE = 'application/json';

/** CSV when the client's Accept names text/csv; JSON otherwise, the default. */
const wantsCsv = (accept: string | undefined): boolean =>
  (accept ?? '').split(',').some((range) => range.split(';')[0]?.trim().toLowerCase() === CSV);

/**
 * The longest period one statement covers: a year, a leap year's included. What one request may make
 * the database read stays bounded; a longer history is asked for period by period.
 */
export const STATEMENT_MAX_DAYS = 366;

const BALANCE_HEADER = { schema: { type: 'string', maxLength: 17, pattern: '^[0-9]{1,16}$' } } as const;

@ApiTags('accounts')
@ApiExtraModels(StatementResponse)
@Controller('accounts')
export class GetStatementHttpController {
  private readonly logger = new Logger('Statement');

  constructor(private readonly handler: GetStatementHandler) {}

  @RequiresScope('ledger:read')
  @Get(':accountId/statement')
  @ApiOperation({
    summary: "An account's statement for a period",
    description:
      'Opening and closing balance, totals and every event of the period [from, to) on `occurredAt`, oldest first. `from` ' +
      `must not be after \`to\`, nor \`to\` more than ${STATEMENT_MAX_DAYS} days after \`from\` (else 400 \`invalid-time-range\`). ` +
      'The period is cut by version: the opening balance is what the last event before `from` left, the closing what the ' +
      'last event before `to` left, the items every event in between, so `openingBalance + credits - debits = closingBalance`. ' +
      'JSON by default; CSV (RFC 4180, a header row, money as integers in minor units) with `Accept: text/csv`, where text ' +
      "a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is quoted after a `'`. " +
      `The body is streamed as it is read, ${STATEMENT_PAGE_SIZE} events at a time, whatever the length of the period; ` +
      'a response cut short (the connection ends before the closing bracket of the JSON, or before the last CSV row whose ' +
      'balanceAfter is the Closing-Balance header) failed midway and is to be asked again.',
  })
  @ApiAccountIdParam()
  @ApiHeader({
    name: 'Accept',
    required: false,
    description: '`text/csv` for CSV; anything else answers JSON',
    schema: { type: 'string', maxLength: 256, pattern: '^[\\x20-\\x7e]*$' },
  })
  @ApiResponse({
    status: 200,
    description: 'The statement',
    headers: {
      'Opening-Balance': { description: 'openingBalance, in minor units (both formats)', ...BALANCE_HEADER },
      'Closing-Balance': { description: 'closingBalance, in minor units (both formats)', ...BALANCE_HEADER },
    },
    content: {
      [JSON_TYPE]: { schema: { $ref: getSchemaPath(StatementResponse) } },
      [CSV]: {
        schema: { type: 'string', maxLength: 1_000_000_000, pattern: '^[^\\u0000]*$', description: `Columns: ${CSV_COLUMNS.join(', ')}` },
        example: `${CSV_COLUMNS.join(',')}\r\n2,2026-03-01T10:00:01.000Z,MoneyDeposited,500,1500,,,,0b7f4c2e-6d7e-4c4b-9a55-3d0a4c6f9e01\r\n`,
      },
    },
  })
  @ApiProblems('validation', 'invalid-account-id', 'invalid-time-range', 'account-not-found')
  async statement(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Query() query: GetStatementQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    if (isReversedRange(query.from, query.to)) throw invalidTimeRange(query.from, query.to);
    if (isLongerThanDays(query.from, query.to, STATEMENT_MAX_DAYS)) throw periodTooLong(query.from, query.to, STATEMENT_MAX_DAYS);
    const result = await this.handler.handle({ accountId, caller, from: query.from, to: query.to });
    if (result.kind === 'not-found') throw accountNotFound(accountId);
    const { statement } = result;
    const csv = wantsCsv(accept);
    const body = Readable.from(csv ? statementCsv(statement) : statementJson(statement, query.from, query.to));
    body.on('error', (error) => this.logger.warn(`statement of ${accountId} cut short: ${String(error)}`));
    await reply
      .header('Content-Type', csv ? `${CSV}; charset=utf-8` : `${JSON_TYPE}; charset=utf-8`)
      .header('Opening-Balance', statement.opening.balance)
      .header('Closing-Balance', statement.closing.balance)
      .header('Vary', 'Accept')
      .send(body);
  }
}
