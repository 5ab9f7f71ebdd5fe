import { Injectable } from '@nestjs/common';
import { AccountCommandExecutor, CommandOutcome } from '../../accounts/account-command.executor';
import { CommandContext } from '../../accounts/command-context';
import { WithdrawDto } from './withdraw.dto';

@Injectable()
export class WithdrawHandler {
  constructor(private readonly executor: AccountCommandExecutor) {}

  handle(accountId: string, dto: WithdrawDto, context: CommandContext): Promise<CommandOutcome> {
    return this.executor.execute(accountId, (now) => ({ type: 'WithdrawMoney', data: { accountId, amount: BigInt(dto.amount), now } }), context);
  }
}
