import { CurrentCaller, RequiresScope, type Caller } from '@ledger/auth';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountIdPipe, ApiAccountIdParam } from '@ledger/platform';
import { TransactionPageResponse, toTransactionItem } from '../accounts/transaction.response';
import { ApiProblems } from '../edge/api-problems.decorator';
import { accountNotFound, invalidCursor, invalidTimeRange } from '../edge/query-problems';
import { isReversedRange } from '../edge/rfc3339';
import { ListTransactionsHandler } from './list-transactions.handler';
import { ListTransactionsQueryDto } from './list-transactions.query.dto';

@ApiTags('accounts')
@Controller('accounts')
export class ListTransactionsHttpController {
  constructor(private readonly handler: ListTransactionsHandler) {}

  @RequiresScope('ledger:read')
  @Get(':accountId/transactions')
  @ApiOperation({
    summary: "An account's history, newest first",
    description:
      'Every event of the account: money movements and holds (with `amount` and `balanceAfter`) and status changes (both null). ' +
      'Transfer and hold legs name their `transferId` and `counterpartyAccountId`. `from` (inclusive) and `to` (exclusive) ' +
      'keep the events whose `occurredAt` is in [from, to); `type` keeps one event type. Filters combine with each other and ' +
      'with paging: pass the same filters with `cursor`.',
  })
  @ApiAccountIdParam()
  @ApiOkResponse({ type: TransactionPageResponse, description: 'One page of the history, newest first' })
  @ApiProblems('validation', 'invalid-account-id', 'invalid-cursor', 'invalid-time-range', 'account-not-found')
  async list(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Query() query: ListTransactionsQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<TransactionPageResponse> {
    if (isReversedRange(query.from, query.to)) throw invalidTimeRange(query.from ?? '', query.to ?? '');
    const { limit, cursor, from, to, type } = query;
    const result = await this.handler.handle({ accountId, caller, limit, cursor, from, to, type });
    switch (result.kind) {
      case 'page':
        return { items: result.items.map(toTransactionItem), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
      case 'not-found':
        throw accountNotFound(accountId);
      case 'invalid-cursor':
        throw invalidCursor();
    }
  }
}
