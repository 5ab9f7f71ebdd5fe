import { ApiProperty } from '@nestjs/swagger';
import { TRANSFER_REFERENCE_MAX_LENGTH } from '@ledger/domain';
import type { TransferStateRow } from '@ledger/read-model-schema';
import { CURRENCY, PRINTABLE_PATTERN, SAFE_INTEGER, TIMESTAMP, UUID } from '../edge/open-api-shapes';
import { safeInteger } from '../edge/json-integer';
import type { TransferRecord } from '../transfers/transfer.reader';

export class TransferResponse {
  @ApiProperty(UUID) transferId: string;

  @ApiProperty({
    enum: ['completed', 'pending', 'posted', 'voided', 'expired'],
    description: '`completed`: an immediate transfer; the others: the life of a hold',
  })
  status: string;

  @ApiProperty({ ...SAFE_INTEGER, minimum: 1, description: 'What was transferred, or held, in minor units', example: 250 })
  amount: number;

  @ApiProperty({
    ...SAFE_INTEGER,
    description: 'What reached the destination: the amount when completed, the posted part when posted, else 0',
    example: 250,
  })
  postedAmount: number;

  @ApiProperty({ ...CURRENCY, example: 'EUR' }) currency: string;
  @ApiProperty(UUID) fromAccountId: string;
  @ApiProperty(UUID) toAccountId: string;

  @ApiProperty({
    type: String,
    maxLength: TRANSFER_REFERENCE_MAX_LENGTH,
    pattern: PRINTABLE_PATTERN,
    nullable: true,
    example: 'Invoice 42',
  })
  reference: string | null;

  @ApiProperty(TIMESTAMP) createdAt: string;
  @ApiProperty({ ...TIMESTAMP, description: 'When the state shown was reached' }) updatedAt: string;
  @ApiProperty({ type: String, ...TIMESTAMP, nullable: true, description: "A hold's deadline; null for an immediate transfer" })
  expiresAt: string | null;
}

export function toTransferResponse(transfer: TransferRecord, state: TransferStateRow): TransferResponse {
  return {
    transferId: transfer.transferId,
    status: state.status,
    amount: safeInteger(transfer.amount),
    postedAmount: safeInteger(state.postedAmount.toString()),
    currency: transfer.currency,
    fromAccountId: transfer.fromAccountId,
    toAccountId: transfer.toAccountId,
    reference: transfer.reference,
    createdAt: transfer.createdAt.toISOString(),
    updatedAt: state.updatedAt.toISOString(),
    expiresAt: transfer.expiresAt?.toISOString() ?? null,
  };
}
