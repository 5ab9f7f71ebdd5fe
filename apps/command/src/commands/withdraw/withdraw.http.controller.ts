import { Body } from '@nestjs/common';
import { AccountCommandEndpoint } from '../../edge/account-command.endpoint';
import { AccountIdParam, Call, CommandCall, CommandController, CommandRoute } from '../../edge/command-route.decorators';
import { WithdrawDto } from './withdraw.dto';

@CommandController()
export class WithdrawHttpController {
  constructor(private readonly endpoint: AccountCommandEndpoint) {}

  @CommandRoute(':accountId/withdrawals', {
    summary: 'Withdraw money',
    description: 'Takes `amount` minor units from the balance of an active account; the balance never goes below zero.',
    refusals: ['insufficient-funds', 'account-frozen', 'account-closed'],
  })
  withdrawals(@AccountIdParam() accountId: string, @Body() dto: WithdrawDto, @Call() call: CommandCall) {
    return this.endpoint.run(call, (now) => ({ type: 'WithdrawMoney', data: { accountId, amount: BigInt(dto.amount), now } }));
  }
}
