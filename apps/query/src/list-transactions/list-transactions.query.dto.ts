import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ACCOUNT_EVENT_TYPES } from '../accounts/account-event.types';
import { PageQueryDto } from '../edge/page-query.dto';
import { QueryTimestamp } from '../edge/query-param.decorators';

export class ListTransactionsQueryDto extends PageQueryDto {
  @QueryTimestamp({ required: false, description: 'Only events that occurred at or after this instant (inclusive), RFC 3339' })
  from?: string;

  @QueryTimestamp({ required: false, description: 'Only events that occurred before this instant (exclusive), RFC 3339' })
  to?: string;

  @ApiPropertyOptional({ enum: ACCOUNT_EVENT_TYPES, description: 'Only events of this type' })
  @IsOptional()
  @IsIn(ACCOUNT_EVENT_TYPES, { message: `$property must be one of ${ACCOUNT_EVENT_TYPES.join(', ')}` })
  type?: string;
}
