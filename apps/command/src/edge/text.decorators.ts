import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

/** No control characters: they have no place in a name, and Postgres jsonb refuses \u0000. */
const PRINTABLE = /^[^\p{Cc}]*$/u;
/** PRINTABLE for OpenAPI, whose patterns have no Unicode classes: \p{Cc} is U+0000-U+001F and U+007F-U+009F. */
const PRINTABLE_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';

export function PlainText(options: { min: number; max: number } & ApiPropertyOptions) {
  const { min, max, ...api } = options;
  return applyDecorators(
    ApiProperty({ minLength: min, maxLength: max, pattern: PRINTABLE_PATTERN, ...api }),
    IsString(),
    Length(min, max),
    Matches(PRINTABLE, { message: '$property must not contain control characters' }),
    ...(min > 0 ? [Matches(/\S/, { message: '$property must not be blank' })] : []),
  );
}
