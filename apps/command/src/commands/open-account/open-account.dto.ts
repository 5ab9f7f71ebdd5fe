import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO4217CurrencyCode, ValidateIf } from 'class-validator';
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

  @ApiPropertyOptional({ format: 'uuid', minLength: 36, maxLength: 36, description: 'Chosen by the client to make the open retry-safe' })
  @ValidateIf((dto: OpenAccountDto) => dto.accountId !== undefined)
  @IsDomainUuid()
  accountId?: string;
}
