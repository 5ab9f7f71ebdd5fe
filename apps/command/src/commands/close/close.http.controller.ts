import { AccountIdPipe } from '@ledger/platform';
import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccountCommandResponse } from '../../accounts/account-command.response';
import { CommandContext } from '../../accounts/command-context';
import { Context } from '../../edge/command-context.decorator';
import { send } from '../../edge/command-response';
import { CloseDto } from './close.dto';
import { CloseHandler } from './close.handler';

@ApiTags('accounts')
@Controller('accounts')
export class CloseHttpController {
  constructor(private readonly handler: CloseHandler) {}

  @Post(':accountId/close')
  @ApiOperation({ summary: 'Close an account (balance must be zero)' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'Append only at this version, e.g. "3"' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: AccountCommandResponse })
  async close(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() dto: CloseDto,
    @Context() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AccountCommandResponse> {
    return send(response, await this.handler.handle(accountId, dto, context));
  }
}
