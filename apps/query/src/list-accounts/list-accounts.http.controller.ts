import { CurrentCaller, InsufficientScopeError, RequiresScope, type Caller } from '@ledger/auth';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountPageResponse, toAccountResponse } from '../accounts/account.response';
import { ApiProblems } from '../edge/api-problems.decorator';
import { invalidCursor } from '../edge/query-problems';
import { ListAccountsHandler } from './list-accounts.handler';
import { ListAccountsQueryDto } from './list-accounts.query.dto';

@ApiTags('accounts')
@Controller('accounts')
export class ListAccountsHttpController {
  constructor(private readonly handler: ListAccountsHandler) {}

  @RequiresScope('ledger:read')
  @Get()
  @ApiOperation({
    summary: "The caller's accounts, or (operators) an owner's",
    description:
      "Without a filter, the accounts opened by the token's subject. `owner` (exact name) or `ownerId` (exact subject) lists " +
      "another owner's and needs `ledger:operate` (else 403 `insufficient-scope`). Oldest first (opened, then id): a stable " +
      'order across pages.',
  })
  @ApiOkResponse({ type: AccountPageResponse, description: 'One page of the accounts (empty when there are none)' })
  @ApiProblems('validation', 'invalid-cursor')
  async list(@Query() query: ListAccountsQueryDto, @CurrentCaller() caller: Caller): Promise<AccountPageResponse> {
    const { owner, ownerId, limit, cursor } = query;
    const result = await this.handler.handle({ caller, owner, ownerId, limit, cursor });
    if (result.kind === 'needs-scope') throw new InsufficientScopeError(result.scope);
    if (result.kind === 'invalid-cursor') throw invalidCursor();
    return { items: result.items.map(toAccountResponse), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
  }
}
