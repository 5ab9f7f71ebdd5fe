import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO4217CurrencyCode, ValidateIf } from 'class-validator';
import { OWNER_ID_MAX_LENGTH } from '@ledger/domain';
import { MinorUnits } from '../../edge/money.decorators';
import { PlainText } from '../../edge/text.decorators';
import { IsDomainUuid } from '../../edge/uuid.decorator';

export class OpenAccountDto {
  @PlainText({ min: 1, max: 200, example: 'Ada Lovelace' })
  owner: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code', minLength: 3, maxLength: 3, pattern: '^[A-Z]{3}$' })
  @IsISO4217CurrencyCode()
  currency: string;

  /** Optional, but never null: absent means 0. */
  @ValidateIf((dto: OpenAccountDto) => dto.initialDeposit !== undefined)
  @MinorUnits({ min: 0, description: 'Opening balance in minor units (default 0)', required: false })
  initialDeposit?: number;

  /** Absent means the caller's own `sub`; only an operator may name someone else. */
  @ValidateIf((dto: OpenAccountDto) => dto.ownerId !== undefined)
  @PlainText({
    min: 1,
    max: OWNER_ID_MAX_LENGTH,
    required: false,
    example: 'auth0|5f7c8ec7c33c6c004bbafe82',
    description: "Whose account it is (a token subject). Default: the caller's own; another needs ledger:operate.",
  })
  ownerId?: string;

  @ApiPropertyOptional({ format: 'uuid', minLength: 36, maxLength: 36, description: 'Chosen by the client to make the open retry-safe' })
  @ValidateIf((dto: OpenAccountDto) => dto.accountId !== undefined)
  @IsDomainUuid()
  accountId?: string;
}
