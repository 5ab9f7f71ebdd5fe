import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { CURSOR_SHAPE } from '../cursors/cursor.codec';
import { QueryInteger } from './query-param.decorators';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `limit` and `cursor`, shared by every paged listing. */
export class PageQueryDto {
  @QueryInteger({ min: 1, max: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Items per page' })
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({
    ...CURSOR_SHAPE,
    description: "The previous page's `nextCursor`, as is. Only valid for the listing that issued it.",
  })
  @IsOptional()
  @IsString()
  cursor?: string;
}
