import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsOptional,
  IsString,
  Length,
  Matches,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { PageQueryDto } from '../edge/page-query.dto';
import { PRINTABLE_PATTERN } from '../edge/open-api-shapes';

// No owner holds a control character (the command service refuses them), and Postgres refuses NUL in text.
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

/** One listing at a time, so its cursor names exactly one filter. */
@ValidatorConstraint({ name: 'notWithOwner' })
class NotWithOwner implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return (args.object as ListAccountsQueryDto).owner === undefined;
  }

  defaultMessage(): string {
    return 'ownerId cannot be combined with owner';
  }
}

export class ListAccountsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    pattern: PRINTABLE_PATTERN,
    description: 'Exact owner name, as given when the account was opened. Needs `ledger:operate`; not with `ownerId`.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(NO_CONTROL_CHARACTERS, { message: '$property must not contain control characters' })
  owner?: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 255,
    pattern: PRINTABLE_PATTERN,
    description: 'Exact owner id: the `sub` of the token that opened the account. Needs `ledger:operate`; not with `owner`.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @Matches(NO_CONTROL_CHARACTERS, { message: '$property must not contain control characters' })
  @Validate(NotWithOwner)
  ownerId?: string;
}
