import { Body } from '@nestjs/common';
import { Call, CommandCall } from '../../edge/command-route.decorators';
import { TransferCommandEndpoint } from '../../edge/transfer-command.endpoint';
import { NewTransferRoute, TransferController } from '../../edge/transfer-route.decorators';
import { CreateTransferDto } from './create-transfer.dto';

@TransferController()
export class CreateTransferHttpController {
  constructor(private readonly endpoint: TransferCommandEndpoint) {}

  @NewTransferRoute({
    summary: 'Transfer money, or place a hold',
    description:
      'Moves `amount` from one account to another of the same currency, both in one transaction; with `pending`, reserves it on ' +
      'the source instead until posted, voided or expired. `transferId` makes it happen once: the same transfer again answers ' +
      'the first response (`Idempotent-Replayed`), the same id with other terms is `transfer-id-reused`.',
    refusals: [
      'account-not-found',
      'transfer-id-reused',
      'same-account',
      'currency-mismatch',
      'insufficient-funds',
      'account-frozen',
      'account-closed',
      'balance-overflow',
    ],
  })
  create(@Body() dto: CreateTransferDto, @Call({ idempotencyKey: false }) call: CommandCall) {
    // Ids are compared in lower case everywhere; the transfer's id names what caused its events, on every retry.
    const transferId = dto.transferId.toLowerCase();
    const terms = {
      transferId,
      fromAccountId: dto.fromAccountId.toLowerCase(),
      toAccountId: dto.toAccountId.toLowerCase(),
      amount: BigInt(dto.amount),
      currency: dto.currency,
      reference: dto.reference ?? null,
    };
    const { pending } = dto;
    return this.endpoint.run({ ...call, context: { ...call.context, causationId: transferId } }, (now) =>
      pending === undefined
        ? { type: 'TransferMoney', data: { ...terms, now } }
        : { type: 'PlacePendingTransfer', data: { ...terms, timeoutSeconds: pending.timeoutSeconds, now } },
    );
  }
}
