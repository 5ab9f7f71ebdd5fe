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
import { DepositDto } from './deposit.dto';

@ApiTags('accounts')
@Controller('accounts')
export class DepositHttpController {
  constructor(
    private readonly endpoint: AccountCommandEndpoint,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @RequiresScope('ledger:write')
  @Post(':accountId/deposits')
  @ApiCommand({
    summary: 'Deposit money',
    description: 'Adds `amount` minor units to the balance of an active account.',
    onAccount: true,
    refusals: ['account-frozen', 'account-closed', 'balance-overflow'],
  })
  deposits(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() dto: DepositDto,
    @Context() context: CommandContext,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<AccountCommandResponse> {
    return this.endpoint.run(
      { type: 'DepositMoney', data: { accountId, amount: BigInt(dto.amount), now: this.clock.now() } },
      context,
      response,
    );
  }
}
