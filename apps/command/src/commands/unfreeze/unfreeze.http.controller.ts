import { Body } from '@nestjs/common';
import { AccountCommandEndpoint } from '../../edge/account-command.endpoint';
import { AccountIdParam, Call, CommandCall, CommandController, CommandRoute } from '../../edge/command-route.decorators';
import { UnfreezeDto } from './unfreeze.dto';

@CommandController()
export class UnfreezeHttpController {
  constructor(private readonly endpoint: AccountCommandEndpoint) {}

  @CommandRoute(':accountId/unfreeze', {
    scope: 'ledger:operate',
    summary: 'Unfreeze an account',
    description: 'Lets money move on a frozen account again. Needs `ledger:operate`.',
    refusals: ['account-not-frozen', 'account-closed'],
  })
  unfreeze(@AccountIdParam() accountId: string, @Body() _dto: UnfreezeDto, @Call() call: CommandCall) {
    return this.endpoint.run(call, (now) => ({ type: 'UnfreezeAccount', data: { accountId, now } }));
  }
}
