import { Injectable } from '@nestjs/common';
import { AccountCommandExecutor, CommandOutcome } from '../../accounts/account-command.executor';
import { CommandContext } from '../../accounts/command-context';
import { DepositDto } from './deposit.dto';

@Injectable()
export class DepositHandler {
  constructor(private readonly executor: AccountCommandExecutor) {}

  handle(accountId: string, dto: DepositDto, context: CommandContext): Promise<CommandOutcome> {
    return this.executor.execute(accountId, (now) => ({ type: 'DepositMoney', data: { accountId, amount: BigInt(dto.amount), now } }), context);
  }
}
