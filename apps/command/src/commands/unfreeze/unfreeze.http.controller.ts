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
import { UnfreezeDto } from './unfreeze.dto';

@ApiTags('accounts')
@Controller('accounts')
export class UnfreezeHttpController {
  constructor(
    private readonly endpoint: AccountCommandEndpoint,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @RequiresScope('ledger:operate')
  @Post(':accountId/unfreeze')
  @ApiCommand({
    summary: 'Unfreeze an account',
    description: 'Lets money move on a frozen account again. Needs `ledger:operate`.',
    onAccount: true,
    refusals: ['account-not-frozen', 'account-closed'],
  })
  unfreeze(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() _dto: UnfreezeDto,
    @Context() context: CommandContext,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<AccountCommandResponse> {
    return this.endpoint.run({ type: 'UnfreezeAccount', data: { accountId, now: this.clock.now() } }, context, response);
  }
}
