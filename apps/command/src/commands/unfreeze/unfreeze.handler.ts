import { Injectable } from '@nestjs/common';
import { AccountCommandExecutor, CommandOutcome } from '../../accounts/account-command.executor';
import { CommandContext } from '../../accounts/command-context';
import { UnfreezeDto } from './unfreeze.dto';

@Injectable()
export class UnfreezeHandler {
  constructor(private readonly executor: AccountCommandExecutor) {}

  handle(accountId: string, _dto: UnfreezeDto, context: CommandContext): Promise<CommandOutcome> {
    return this.executor.execute(accountId, (now) => ({ type: 'UnfreezeAccount', data: { accountId, now } }), context);
  }
}
