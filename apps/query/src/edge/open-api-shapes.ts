/** The shapes of the values the query API answers with, as OpenAPI schemas: bounded, with a format or pattern. */

/** No control characters (\p{Cc}: U+0000-U+001F, U+007F-U+009F), as the command service accepts text. */
export const PRINTABLE_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';

export const UUID = { format: 'uuid', minLength: 36, maxLength: 36 } as const;

/** `Date.toISOString()`: 2026-03-01T10:00:02.000Z. */
export const TIMESTAMP = { format: 'date-time', maxLength: 24 } as const;

/** Minor units, versions and counts: JSON numbers, so at most 2^53 - 1. */
export const SAFE_INTEGER = { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/** A sum of safe integers beyond 2^53 - 1, as decimal digits: at most 2^53 amounts of at most 2^53 each. */
export const LARGE_INTEGER = { type: 'string', pattern: '^[0-9]+$', maxLength: 32 } as const;

export const CURRENCY = { minLength: 3, maxLength: 3, pattern: '^[A-Z]{3}$' } as const;
