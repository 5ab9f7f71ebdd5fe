import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccountCommandResponse } from '../../accounts/account-command.response';
import { CommandContext } from '../../accounts/command-context';
import { Context } from '../../edge/command-context.decorator';
import { send } from '../../edge/command-response';
import { OpenAccountDto } from './open-account.dto';
import { OpenAccountHandler } from './open-account.handler';

@ApiTags('accounts')
@Controller('accounts')
export class OpenAccountHttpController {
  constructor(private readonly handler: OpenAccountHandler) {}

  @Post()
  @ApiOperation({ summary: 'Open an account' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: AccountCommandResponse })
  async open(
    @Body() dto: OpenAccountDto,
    @Context() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AccountCommandResponse> {
    return send(response, await this.handler.handle(dto, context));
  }
}
