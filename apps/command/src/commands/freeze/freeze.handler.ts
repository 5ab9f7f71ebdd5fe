import { Injectable } from '@nestjs/common';
import { AccountCommandExecutor, CommandOutcome } from '../../accounts/account-command.executor';
import { CommandContext } from '../../accounts/command-context';
import { FreezeDto } from './freeze.dto';

@Injectable()
export class FreezeHandler {
  constructor(private readonly executor: AccountCommandExecutor) {}

  handle(accountId: string, dto: FreezeDto, context: CommandContext): Promise<CommandOutcome> {
    return this.executor.execute(accountId, (now) => ({ type: 'FreezeAccount', data: { accountId, reason: dto.reason ?? null, now } }), context);
  }
}
