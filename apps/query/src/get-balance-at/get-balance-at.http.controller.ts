import { CurrentCaller, RequiresScope, type Caller } from '@ledger/auth';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountIdPipe, ApiAccountIdParam } from '@ledger/platform';
import { availableBalance } from '../accounts/account.response';
import { ApiProblems } from '../edge/api-problems.decorator';
import { safeInteger } from '../edge/json-integer';
import { accountNotFound, accountNotYetOpened } from '../edge/query-problems';
import { BalanceAtResponse } from './balance-at.response';
import { GetBalanceAtHandler } from './get-balance-at.handler';
import { GetBalanceAtQueryDto } from './get-balance-at.query.dto';

@ApiTags('accounts')
@Controller('accounts')
export class GetBalanceAtHttpController {
  constructor(private readonly handler: GetBalanceAtHandler) {}

  @RequiresScope('ledger:read')
  @Get(':accountId/balance')
  @ApiOperation({
    summary: 'The balance of an account at an instant',
    description:
      'The account as its history left it at `at`: of the events that occurred at or before `at`, the one with the highest ' +
      'version. Before the account was opened, 404 `account-not-yet-opened` (only to whoever may see the account; anyone ' +
      'else gets `account-not-found`, as for a missing account).',
  })
  @ApiAccountIdParam()
  @ApiOkResponse({ type: BalanceAtResponse, description: 'The balance at that instant' })
  @ApiProblems('validation', 'invalid-account-id', 'account-not-found', 'account-not-yet-opened')
  async balanceAt(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Query() query: GetBalanceAtQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<BalanceAtResponse> {
    const result = await this.handler.handle({ accountId, caller, at: query.at });
    switch (result.kind) {
      case 'found':
        return {
          accountId,
          at: query.at,
          balance: safeInteger(result.event.balanceAfter),
          availableBalance: safeInteger(availableBalance(result.event.balanceAfter, result.event.reservedAfter)),
          version: safeInteger(result.event.version),
        };
      case 'not-found':
        throw accountNotFound(accountId);
      case 'not-yet-opened':
        throw accountNotYetOpened(accountId, query.at);
      default: {
        const unknown: never = result;
        throw new Error(`unknown result ${JSON.stringify(unknown)}`);
      }
    }
  }
}
