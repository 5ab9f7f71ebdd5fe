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
import { CloseDto } from './close.dto';

@ApiTags('accounts')
@Controller('accounts')
export class CloseHttpController {
  constructor(
    private readonly endpoint: AccountCommandEndpoint,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @RequiresScope('ledger:write')
  @Post(':accountId/close')
  @ApiCommand({
    summary: 'Close an account (balance must be zero)',
    description: 'Closes an account whose balance is zero, frozen or not; nothing changes a closed account.',
    onAccount: true,
    refusals: ['balance-not-zero', 'account-closed'],
  })
  close(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() _dto: CloseDto,
    @Context() context: CommandContext,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<AccountCommandResponse> {
    return this.endpoint.run({ type: 'CloseAccount', data: { accountId, now: this.clock.now() } }, context, response);
  }
}
