import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { rfc3339Nanos, RFC_3339_MAX_LENGTH, RFC_3339_PATTERN } from './rfc3339';

/** Plain decimal digits, no sign, no leading zero, no exponent: the only way an integer is written here. */
const DECIMAL = /^(0|[1-9]\d{0,15})$/;
const INT32_MAX = 2_147_483_647;

/**
 * An optional integer query parameter. Query strings are text, and nothing is coerced implicitly: a
 * plain decimal becomes a number, anything else (`1.5`, `1e3`, `-1`, ` 7`, a repeated parameter) stays
 * as sent and fails the integer check with a 400.
 */
export function QueryInteger(options: { min: number; max: number; default?: number; description: string }) {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      format: options.max > INT32_MAX ? 'int64' : 'int32',
      minimum: options.min,
      maximum: options.max,
      default: options.default,
      description: options.description,
    }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value)),
    IsOptional(),
    IsInt({ message: '$property must be an integer' }),
    Min(options.min),
    Max(options.max),
  );
}

/**
 * An RFC 3339 date-time query parameter (see rfc3339Nanos). It stays the text sent, which answers echo;
 * the reader hands Postgres the exact instant (postgresInstant). A repeated parameter (an array) is
 * refused like any other non-text.
 */
export function QueryTimestamp(options: { required: boolean; description: string }) {
  return applyDecorators(
    (options.required ? ApiProperty : ApiPropertyOptional)({
      type: 'string',
      format: 'date-time',
      maxLength: RFC_3339_MAX_LENGTH,
      pattern: RFC_3339_PATTERN,
      description: options.description,
      example: '2026-03-01T10:00:00Z',
    }),
    ...(options.required ? [] : [IsOptional()]),
    ValidateBy({
      name: 'isRfc3339',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && rfc3339Nanos(value) !== null,
        defaultMessage: () => '$property must be an RFC 3339 date-time with an offset, e.g. 2026-03-01T10:00:00Z',
      },
    }),
  );
}
