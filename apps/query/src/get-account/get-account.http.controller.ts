import { CurrentCaller, RequiresScope, type Caller } from '@ledger/auth';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccountIdPipe, ApiAccountIdParam } from '@ledger/platform';
import { annotateActiveSpan } from '@ledger/tracing';
import { AccountResponse, toAccountResponse } from '../accounts/account.response';
import { ApiProblems } from '../edge/api-problems.decorator';
import { clientGoneSignal } from '../edge/client-gone.signal';
import { accountNotFound, readYourWritesTimeout, tooManyWaiters } from '../edge/query-problems';
import { GetAccountHandler, type GetAccountResult } from './get-account.handler';
import { GetAccountQueryDto } from './get-account.query.dto';

@ApiTags('accounts')
@Controller('accounts')
export class GetAccountHttpController {
  constructor(private readonly handler: GetAccountHandler) {}

  @RequiresScope('ledger:read')
  @Get(':accountId')
  @ApiOperation({
    summary: 'Read an account with its summary',
    description:
      'With `minVersion`, waits (up to `waitMs`) until the read model has applied that version, so a client reads ' +
      'its own write. An account the read model has not seen yet waits the same way; without `minVersion` it is a 404 at once.',
  })
  @ApiAccountIdParam()
  @ApiOkResponse({
    type: AccountResponse,
    description: 'The account as the read model holds it',
    headers: {
      ETag: { description: 'The version served, e.g. "3"', schema: { type: 'string', maxLength: 17, pattern: '^"[0-9]{1,15}"$' } },
    },
  })
  @ApiProblems('validation', 'invalid-account-id', 'account-not-found', 'read-your-writes-timeout')
  async get(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Query() query: GetAccountQueryDto,
    @Res({ passthrough: true }) response: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<AccountResponse> {
    const signal = query.minVersion === undefined ? undefined : clientGoneSignal(response);
    const result = await this.handler.handle({ accountId, caller, minVersion: query.minVersion, waitMs: query.waitMs, signal });
    annotateActiveSpan(readAttributes(accountId, query.minVersion, result));
    switch (result.kind) {
      case 'found':
        response.header('ETag', `"${result.account.version}"`);
        return toAccountResponse(result.account);
      case 'not-found':
        throw accountNotFound(accountId);
      case 'not-reached':
        throw readYourWritesTimeout(query.minVersion ?? 0, result.reachedVersion, query.waitMs);
      case 'busy':
        throw tooManyWaiters();
    }
  }
}

/** What a trace backend needs to find the command and projector spans of the version served (same account, version). */
function readAttributes(accountId: string, minVersion: number | undefined, result: GetAccountResult) {
  const version = result.kind === 'found' ? Number(result.account.version) : result.kind === 'not-reached' ? result.reachedVersion : 0;
  return { 'ledger.account_id': accountId, 'ledger.read.min_version': minVersion ?? 0, 'ledger.read.version': version };
}
