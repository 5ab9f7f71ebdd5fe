import { Body } from '@nestjs/common';
import { Call, CommandCall } from '../../edge/command-route.decorators';
import { TransferCommandEndpoint } from '../../edge/transfer-command.endpoint';
import { TransferActionRoute, TransferController, TransferIdParam } from '../../edge/transfer-route.decorators';
import { PostTransferDto } from './post-transfer.dto';

@TransferController()
export class PostTransferHttpController {
  constructor(private readonly endpoint: TransferCommandEndpoint) {}

  @TransferActionRoute('post', {
    summary: 'Post a hold',
    description:
      "Moves `amount` of a pending transfer (default: all of it) to the destination and releases the rest. The source's owner or an operator only.",
    refusals: ['transfer-not-pending', 'transfer-expired', 'post-exceeds-pending', 'account-frozen', 'account-closed', 'balance-overflow'],
  })
  post(@TransferIdParam() transferId: string, @Body() dto: PostTransferDto, @Call() call: CommandCall) {
    const amount = dto.amount === undefined ? null : BigInt(dto.amount);
    return this.endpoint.run(call, (now) => ({ type: 'PostPendingTransfer', data: { transferId, amount, now } }));
  }
}
