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
import { WithdrawDto } from './withdraw.dto';

@ApiTags('accounts')
@Controller('accounts')
export class WithdrawHttpController {
  constructor(
    private readonly endpoint: AccountCommandEndpoint,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @RequiresScope('ledger:write')
  @Post(':accountId/withdrawals')
  @ApiCommand({
    summary: 'Withdraw money',
    description: 'Takes `amount` minor units from the balance of an active account; the balance never goes below zero.',
    onAccount: true,
    refusals: ['insufficient-funds', 'account-frozen', 'account-closed'],
  })
  withdrawals(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() dto: WithdrawDto,
    @Context() context: CommandContext,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<AccountCommandResponse> {
    return this.endpoint.run(
      { type: 'WithdrawMoney', data: { accountId, amount: BigInt(dto.amount), now: this.clock.now() } },
      context,
      response,
    );
  }
}
