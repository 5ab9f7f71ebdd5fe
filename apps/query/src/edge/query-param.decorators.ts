import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

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
