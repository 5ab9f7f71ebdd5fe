import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

/** No control characters: they have no place in a name, and Postgres jsonb refuses \u0000. */
const PRINTABLE = /^[^\p{Cc}]*$/u;

export function PlainText(options: { min: number; max: number } & ApiPropertyOptions) {
  const { min, max, ...api } = options;
  return applyDecorators(
    ApiProperty({ minLength: min, maxLength: max, ...api }),
    IsString(),
    Length(min, max),
    Matches(PRINTABLE, { message: '$property must not contain control characters' }),
    ...(min > 0 ? [Matches(/\S/, { message: '$property must not be blank' })] : []),
  );
}
