import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

/**
 * Money on the wire is a JSON number of minor units, and only a safe integer: anything a JavaScript
 * number cannot hold exactly is refused rather than rounded.
 */
export function MinorUnits(options: { min: 0 | 1; description: string; required?: false }) {
  return applyDecorators(
    ApiProperty({
      type: 'integer',
      format: 'int64',
      minimum: options.min,
      maximum: Number.MAX_SAFE_INTEGER,
      description: options.description,
      example: 1500,
      ...(options.required === false ? { required: false } : {}),
    }),
    IsInt({ message: '$property must be an integer number of minor units' }),
    Min(options.min),
    Max(Number.MAX_SAFE_INTEGER),
  );
}
