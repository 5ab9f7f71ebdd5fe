import { Body } from '@nestjs/common';
import { Call, CommandCall } from '../../edge/command-route.decorators';
import { TransferCommandEndpoint } from '../../edge/transfer-command.endpoint';
import { TransferActionRoute, TransferController, TransferIdParam } from '../../edge/transfer-route.decorators';
import { VoidTransferDto } from './void-transfer.dto';

@TransferController()
export class VoidTransferHttpController {
  constructor(private readonly endpoint: TransferCommandEndpoint) {}

  @TransferActionRoute('void', {
    summary: 'Void a hold',
    description: "Releases the whole of a pending transfer's reservation; nothing moves. The source's owner or an operator only.",
    refusals: ['transfer-not-pending', 'transfer-expired'],
  })
  void(@TransferIdParam() transferId: string, @Body() _dto: VoidTransferDto, @Call() call: CommandCall) {
    return this.endpoint.run(call, (now) => ({ type: 'VoidPendingTransfer', data: { transferId, now } }));
  }
}
