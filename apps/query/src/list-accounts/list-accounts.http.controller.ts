import { RequiresScope } from '@ledger/auth';
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
    summary: "An owner's accounts",
    description: 'Exact owner match, oldest first (opened, then id): a stable order across pages.',
  })
  @ApiOkResponse({ type: AccountPageResponse, description: "One page of the owner's accounts (empty when there are none)" })
  @ApiProblems('validation', 'invalid-cursor')
  async list(@Query() query: ListAccountsQueryDto): Promise<AccountPageResponse> {
    const result = await this.handler.handle({ owner: query.owner, limit: query.limit, cursor: query.cursor });
    if (result.kind === 'invalid-cursor') throw invalidCursor();
    return { items: result.items.map(toAccountResponse), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
  }
}
