import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../edge/page-query.dto';
import { PRINTABLE_PATTERN } from '../edge/open-api-shapes';

export class ListAccountsQueryDto extends PageQueryDto {
  // No owner holds a control character (the command service refuses them), and Postgres refuses NUL in text.
  @ApiProperty({
    minLength: 1,
    maxLength: 200,
    pattern: PRINTABLE_PATTERN,
    description: 'Exact owner, as given when the account was opened',
  })
  @IsString()
  @Length(1, 200)
  @Matches(/^[^\p{Cc}]*$/u, { message: '$property must not contain control characters' })
  owner: string;
}
