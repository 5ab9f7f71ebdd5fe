import { Body } from '@nestjs/common';
import { AccountCommandEndpoint } from '../../edge/account-command.endpoint';
import { AccountIdParam, Call, CommandCall, CommandController, CommandRoute } from '../../edge/command-route.decorators';
import { DepositDto } from './deposit.dto';

@CommandController()
export class DepositHttpController {
  constructor(private readonly endpoint: AccountCommandEndpoint) {}

  @CommandRoute(':accountId/deposits', {
    summary: 'Deposit money',
    description: 'Adds `amount` minor units to the balance of an active account.',
    refusals: ['account-frozen', 'account-closed', 'balance-overflow'],
  })
  deposits(@AccountIdParam() accountId: string, @Body() dto: DepositDto, @Call() call: CommandCall) {
    return this.endpoint.run(call, (now) => ({ type: 'DepositMoney', data: { accountId, amount: BigInt(dto.amount), now } }));
  }
}
