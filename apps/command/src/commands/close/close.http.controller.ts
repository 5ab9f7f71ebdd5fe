import { Body } from '@nestjs/common';
import { AccountCommandEndpoint } from '../../edge/account-command.endpoint';
import { AccountIdParam, Call, CommandCall, CommandController, CommandRoute } from '../../edge/command-route.decorators';
import { CloseDto } from './close.dto';

@CommandController()
export class CloseHttpController {
  constructor(private readonly endpoint: AccountCommandEndpoint) {}

  @CommandRoute(':accountId/close', {
    summary: 'Close an account (balance must be zero)',
    description: 'Closes an account whose balance is zero, frozen or not; nothing changes a closed account.',
    refusals: ['balance-not-zero', 'account-closed'],
  })
  close(@AccountIdParam() accountId: string, @Body() _dto: CloseDto, @Call() call: CommandCall) {
    return this.endpoint.run(call, (now) => ({ type: 'CloseAccount', data: { accountId, now } }));
  }
}
