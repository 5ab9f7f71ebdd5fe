import { isCurrencyCode } from './account.limits';

type Fail = (reason: string) => never;

/** Longest decimal string that can be within the safe range; guards BigInt() against huge inputs. */
const MAX_INTEGER_DIGITS = String(Number.MAX_SAFE_INTEGER).length;
const NON_NEGATIVE_INTEGER = /^(0|[1-9][0-9]*)$/;

/**
 * Reads typed fields from an untrusted JSON object with exactly the expected keys. Strict on purpose:
 * stored events are facts, and any deviation from the encoder's output means corruption, not a
 * variant to be guessed at (schema changes go through upcasters and version numbers).
 */
export class JsonFieldsReader {
  private constructor(
    private readonly data: Readonly<Record<string, unknown>>,
    private readonly fail: Fail,
  ) {}

  /** Any JSON object; for reading a discriminant before the exact key set is known. */
  static anyKeys(value: unknown, fail: Fail): JsonFieldsReader {
    if (!isPlainObject(value)) return fail('data must be a JSON object');
    return new JsonFieldsReader(value, fail);
  }

  static of(value: unknown, keys: readonly string[], fail: Fail): JsonFieldsReader {
    if (!isPlainObject(value)) return fail('data must be a JSON object');
    for (const key of keys) {
      if (!Object.hasOwn(value, key)) fail(`missing field ${key}`);
    }
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) fail(`unexpected field ${key}`);
    }
    return new JsonFieldsReader(value, fail);
  }

  string(key: string): string {
    const value = this.data[key];
    if (typeof value !== 'string') return this.fail(`${key} must be a string`);
    return value;
  }

  nonEmptyString(key: string): string {
    const value = this.string(key);
    if (value.trim().length === 0) return this.fail(`${key} must not be empty`);
    return value;
  }

  nullableString(key: string): string | null {
    const value = this.data[key];
    if (value === null) return null;
    return this.string(key);
  }

  currency(key: string): string {
    const value = this.data[key];
    if (!isCurrencyCode(value)) return this.fail(`${key} must be three upper-case letters`);
    return value;
  }

  /** A decimal string of an integer in [min, max]: no sign, no leading zeros, no fraction, no exponent. */
  integer(key: string, min: bigint, max: bigint): bigint {
    const value = this.data[key];
    if (typeof value !== 'string' || value.length > MAX_INTEGER_DIGITS || !NON_NEGATIVE_INTEGER.test(value)) {
      return this.fail(`${key} must be a non-negative decimal integer string`);
    }
    const parsed = BigInt(value);
    if (parsed < min || parsed > max) return this.fail(`${key} must be between ${min} and ${max}`);
    return parsed;
  }

  /** A JSON number that is an integer in [min, max] (both safe integers): counts and durations, never money. */
  safeInteger(key: string, min: number, max: number): number {
    const value = this.data[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      return this.fail(`${key} must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  nullableDate(key: string): Date | null {
    return this.data[key] === null ? null : this.date(key);
  }

  /** An ISO 8601 UTC timestamp exactly as `Date.prototype.toISOString` writes it. */
  date(key: string): Date {
    const value = this.data[key];
    if (typeof value !== 'string') return this.fail(`${key} must be an ISO 8601 timestamp string`);
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString() !== value) {
      return this.fail(`${key} must be an ISO 8601 UTC timestamp (YYYY-MM-DDTHH:mm:ss.sssZ)`);
    }
    return parsed;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.data[key];
    const match = allowed.find((candidate) => candidate === value);
    if (match === undefined) return this.fail(`${key} must be one of ${allowed.join(', ')}`);
    return match;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
