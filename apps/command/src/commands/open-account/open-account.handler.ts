import { Inject, Injectable } from '@nestjs/common';
import { AccountCommandExecutor, CommandOutcome } from '../../accounts/account-command.executor';
import { ID_GENERATOR, IdGenerator } from '../../accounts/clock';
import { CommandContext } from '../../accounts/command-context';
import { OpenAccountDto } from './open-account.dto';

@Injectable()
export class OpenAccountHandler {
  constructor(
    private readonly executor: AccountCommandExecutor,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  handle(dto: OpenAccountDto, context: CommandContext): Promise<CommandOutcome> {
    const accountId = dto.accountId?.toLowerCase() ?? this.ids.next();
    return this.executor.execute(
      accountId,
      (now) => ({
        type: 'OpenAccount',
        data: { accountId, owner: dto.owner.trim(), currency: dto.currency, initialDeposit: BigInt(dto.initialDeposit ?? 0), now },
      }),
      context,
    );
  }
}
