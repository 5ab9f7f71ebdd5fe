import { Body } from '@nestjs/common';
import { AccountCommandEndpoint } from '../../edge/account-command.endpoint';
import { AccountIdParam, Call, CommandCall, CommandController, CommandRoute } from '../../edge/command-route.decorators';
import { FreezeDto } from './freeze.dto';

@CommandController()
export class FreezeHttpController {
  constructor(private readonly endpoint: AccountCommandEndpoint) {}

  @CommandRoute(':accountId/freeze', {
    scope: 'ledger:operate',
    summary: 'Freeze an account',
    description: 'Stops money moving on the account until it is unfrozen. Needs `ledger:operate`.',
    refusals: ['account-frozen', 'account-closed'],
  })
  freeze(@AccountIdParam() accountId: string, @Body() dto: FreezeDto, @Call() call: CommandCall) {
    return this.endpoint.run(call, (now) => ({ type: 'FreezeAccount', data: { accountId, reason: dto.reason ?? null, now } }));
  }
}
