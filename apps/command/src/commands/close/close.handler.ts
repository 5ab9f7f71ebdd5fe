import { Injectable } from '@nestjs/common';
import { AccountCommandExecutor, CommandOutcome } from '../../accounts/account-command.executor';
import { CommandContext } from '../../accounts/command-context';
import { CloseDto } from './close.dto';

@Injectable()
export class CloseHandler {
  constructor(private readonly executor: AccountCommandExecutor) {}

  handle(accountId: string, _dto: CloseDto, context: CommandContext): Promise<CommandOutcome> {
    return this.executor.execute(accountId, (now) => ({ type: 'CloseAccount', data: { accountId, now } }), context);
  }
}
