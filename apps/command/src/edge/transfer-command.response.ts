import { ApiProperty } from '@nestjs/swagger';
import { AcceptedTransfer } from '@ledger/account-commands';
import { availableBalance } from '@ledger/domain';

const UUID = { format: 'uuid', minLength: 36, maxLength: 36 } as const;
const VERSION = { type: 'integer', format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
const MONEY = { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

export class TransferSourceView {
  @ApiProperty(UUID) accountId: string;
  @ApiProperty({ ...VERSION, description: "The source's version after the command", example: 3 }) version: number;
  @ApiProperty({ ...MONEY, description: 'Balance in minor units', example: 1500 }) balance: number;
  @ApiProperty({ ...MONEY, description: 'What may still be spent: the balance less pending holds', example: 1200 })
  availableBalance: number;
}

export class TransferDestinationView {
  @ApiProperty(UUID) accountId: string;
  @ApiProperty({ ...VERSION, description: "The destination's version after the command (its balance is not told)", example: 2 })
  version: number;
}

export class TransferCommandResponse {
  @ApiProperty(UUID) transferId: string;
  @ApiProperty({ enum: ['completed', 'pending', 'posted', 'voided', 'expired'] }) status: string;
  @ApiProperty({ ...MONEY, minimum: 1, description: 'What was transferred, or held, in minor units', example: 300 }) amount: number;
  @ApiProperty({ example: 'EUR', minLength: 3, maxLength: 3, pattern: '^[A-Z]{3}$' }) currency: string;
  @ApiProperty({ type: TransferSourceView }) from: TransferSourceView;
  @ApiProperty({ type: TransferDestinationView }) to: TransferDestinationView;
}

/** Amounts and balances stay within the safe-integer range (a domain rule), so a JSON number is exact. */
export function toTransferResponse(accepted: AcceptedTransfer): TransferCommandResponse {
  const { transfer, from, to } = accepted;
  return {
    transferId: transfer.state.transferId,
    status: transfer.state.status,
    amount: Number(transfer.state.amount),
    currency: transfer.state.currency,
    from: {
      accountId: from.accountId,
      version: from.version,
      balance: Number(from.state.balance),
      availableBalance: Number(availableBalance(from.state)),
    },
    to: { accountId: to.accountId, version: to.version },
  };
}
