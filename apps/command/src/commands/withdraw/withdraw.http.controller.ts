import { AccountIdPipe } from '@ledger/platform';
import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccountCommandResponse } from '../../accounts/account-command.response';
import { CommandContext } from '../../accounts/command-context';
import { Context } from '../../edge/command-context.decorator';
import { send } from '../../edge/command-response';
import { WithdrawDto } from './withdraw.dto';
import { WithdrawHandler } from './withdraw.handler';

@ApiTags('accounts')
@Controller('accounts')
export class WithdrawHttpController {
  constructor(private readonly handler: WithdrawHandler) {}

  @Post(':accountId/withdrawals')
  @ApiOperation({ summary: 'Withdraw money' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'Append only at this version, e.g. "3"' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: AccountCommandResponse })
  async withdrawals(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() dto: WithdrawDto,
    @Context() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AccountCommandResponse> {
    return send(response, await this.handler.handle(accountId, dto, context));
  }
}
