import { RequiresScope } from '@ledger/auth';
import { AccountIdPipe } from '@ledger/platform';
import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CommandContext } from '@ledger/account-commands';
import { CLOCK, Clock } from '../../accounts/clock';
import { AccountCommandEndpoint } from '../../edge/account-command.endpoint';
import { AccountCommandResponse } from '../../edge/account-command.response';
import { ApiCommand } from '../../edge/api-command.decorator';
import { Context } from '../../edge/command-context.decorator';
import { FreezeDto } from './freeze.dto';

@ApiTags('accounts')
@Controller('accounts')
export class FreezeHttpController {
  constructor(
    private readonly endpoint: AccountCommandEndpoint,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @RequiresScope('ledger:operate')
  @Post(':accountId/freeze')
  @ApiCommand({
    summary: 'Freeze an account',
    description: 'Stops money moving on the account until it is unfrozen. Needs `ledger:operate`.',
    onAccount: true,
    refusals: ['account-frozen', 'account-closed'],
  })
  freeze(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() dto: FreezeDto,
    @Context() context: CommandContext,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<AccountCommandResponse> {
    return this.endpoint.run(
      { type: 'FreezeAccount', data: { accountId, reason: dto.reason ?? null, now: this.clock.now() } },
      context,
      response,
    );
  }
}
