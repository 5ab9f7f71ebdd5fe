import { ApiProperty } from '@nestjs/swagger';
import { SAFE_INTEGER, UUID } from '../edge/open-api-shapes';
import { RFC_3339_MAX_LENGTH, RFC_3339_PATTERN } from '../edge/rfc3339';

export class BalanceAtResponse {
  @ApiProperty(UUID) accountId: string;

  @ApiProperty({
    format: 'date-time',
    maxLength: RFC_3339_MAX_LENGTH,
    pattern: RFC_3339_PATTERN,
    description: 'The instant asked for, as sent',
  })
  at: string;

  @ApiProperty({ ...SAFE_INTEGER, description: 'Balance in minor units at that instant', example: 1250 })
  balance: number;

  @ApiProperty({ ...SAFE_INTEGER, description: 'Balance less what pending transfers held at that instant', example: 1000 })
  availableBalance: number;

  @ApiProperty({
    ...SAFE_INTEGER,
    minimum: 1,
    description: 'The version of the event that left the account so: the highest of those that occurred at or before `at`',
    example: 3,
  })
  version: number;
}
