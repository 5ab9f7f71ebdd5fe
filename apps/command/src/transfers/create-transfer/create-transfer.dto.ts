import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO4217CurrencyCode, ValidateBy, ValidateIf } from 'class-validator';
import { PENDING_TIMEOUT_MAX_SECONDS, TRANSFER_REFERENCE_MAX_LENGTH } from '@ledger/domain';
import { MinorUnits } from '../../edge/money.decorators';
import { PlainText } from '../../edge/text.decorators';
import { IsDomainUuid } from '../../edge/uuid.decorator';

const UUID = { format: 'uuid', minLength: 36, maxLength: 36 } as const;

/** For OpenAPI only: `IsPendingTerms` validates the object as it came, fields and all. */
export class PendingTermsDto {
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: PENDING_TIMEOUT_MAX_SECONDS,
    description: 'Seconds until the hold expires by itself',
  })
  timeoutSeconds: number;
}

/**
 * `{ "timeoutSeconds": 1..2592000 }` and nothing else. Checked by hand rather than as a nested DTO: the
 * strict pipe refuses unknown fields on the body itself only.
 */
function IsPendingTerms(): PropertyDecorator {
  return ValidateBy({
    name: 'isPendingTerms',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
        const keys = Object.keys(value);
        const timeout = (value as Record<string, unknown>)['timeoutSeconds'];
        return (
          keys.length === 1 &&
          keys[0] === 'timeoutSeconds' &&
          Number.isSafeInteger(timeout) &&
          (timeout as number) >= 1 &&
          (timeout as number) <= PENDING_TIMEOUT_MAX_SECONDS
        );
      },
      defaultMessage: () => `$property must be { "timeoutSeconds": an integer from 1 to ${PENDING_TIMEOUT_MAX_SECONDS} } and nothing else`,
    },
  });
}

export class CreateTransferDto {
  @ApiProperty({ ...UUID, description: 'Chosen by the client: the exactly-once key of the transfer' })
  @IsDomainUuid()
  transferId: string;

  @ApiProperty({ ...UUID, description: "The account the money leaves: the caller's own (or any, with ledger:operate)" })
  @IsDomainUuid()
  fromAccountId: string;

  @ApiProperty({ ...UUID, description: "The account the money reaches: anyone's" })
  @IsDomainUuid()
  toAccountId: string;

  @MinorUnits({ min: 1, description: 'Amount in minor units' })
  amount: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code: both accounts hold it', minLength: 3, maxLength: 3, pattern: '^[A-Z]{3}$' })
  @IsISO4217CurrencyCode()
  currency: string;

  /** Optional, but never null. */
  @ValidateIf((dto: CreateTransferDto) => dto.reference !== undefined)
  @PlainText({
    min: 1,
    max: TRANSFER_REFERENCE_MAX_LENGTH,
    required: false,
    example: 'invoice 42',
    description: "The client's text for it",
  })
  reference?: string;

  /** Absent: an immediate transfer. */
  @ApiPropertyOptional({ type: PendingTermsDto, description: 'Makes it a hold: the amount is reserved until posted, voided or expired' })
  @ValidateIf((dto: CreateTransferDto) => dto.pending !== undefined)
  @IsPendingTerms()
  pending?: { timeoutSeconds: number };
}
