import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '@ledger/primitives';

/** One kind of listing: its name (signed into every cursor) and the shape of a position in it. */
export interface CursorKind<P> {
  readonly name: string;
  isPosition(value: unknown): value is P;
}

/** History pages: the version of the last item served; the next page starts below it. */
export const TRANSACTIONS_CURSOR: CursorKind<number> = {
  name: 'transactions',
  isPosition: (value): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 1,
};

/** Owner pages: the last account served, as `[opened_at exactly as stored, account id]`. */
export type OwnerPosition = readonly [openedAt: string, accountId: string];

const EXACT_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const isOwnerPosition = (value: unknown): value is OwnerPosition =>
  Array.isArray(value) &&
  value.length === 2 &&
  typeof value[0] === 'string' &&
  EXACT_TIMESTAMP.test(value[0]) &&
  !Number.isNaN(Date.parse(value[0])) &&
  typeof value[1] === 'string' &&
  isUuid(value[1]);

/** Pages of one owner name's accounts (scope: the name). */
export const ACCOUNTS_CURSOR: CursorKind<OwnerPosition> = { name: 'accounts', isPosition: isOwnerPosition };

/**
 * Pages of one owner id's accounts (scope: the id): a caller's own listing, or an operator's `ownerId=`.
 * A kind of its own, so a cursor of an owner name's listing never pages an owner id's, nor the reverse.
 */
export const OWNER_ID_ACCOUNTS_CURSOR: CursorKind<OwnerPosition> = { name: 'accounts-by-owner-id', isPosition: isOwnerPosition };

const MAX_TOKEN_LENGTH = 2_048;
const TOKEN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;
const DOMAIN = 'ledger-query-cursor.v1.';

/** A cursor as OpenAPI describes it: any other text is an `invalid-cursor`. */
export const CURSOR_SHAPE = { maxLength: MAX_TOKEN_LENGTH, pattern: TOKEN.source } as const;

/**
 * Opaque, tamper-proof pagination cursors: base64url of `{"k": kind, "s": scope, "p": position}`, a
 * dot, and the base64url HMAC-SHA256 of that text. The scope (the account id, the owner or owner id) is signed
 * in, so a cursor from another listing, account or owner is refused exactly like a forged one.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode<P>(kind: CursorKind<P>, scope: string, position: P): string {
    const payload = Buffer.from(JSON.stringify({ k: kind.name, s: scope, p: position }), 'utf8').toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The position, or null for anything malformed, forged, or issued for another kind or scope. */
  decode<P>(kind: CursorKind<P>, scope: string, token: string): P | null {
    const match = token.length <= MAX_TOKEN_LENGTH ? TOKEN.exec(token) : null;
    if (!match) return null;
    const [, payload, signature] = match as unknown as [string, string, string];
    // Compared as text, so a signature differing only in base64's unused trailing bits is refused too.
    if (!timingSafeEqual(Buffer.from(signature), Buffer.from(this.sign(payload)))) return null;
    const body = parseObject(Buffer.from(payload, 'base64url').toString('utf8'));
    if (body === null || Object.keys(body).length !== 3) return null;
    if (body['k'] !== kind.name || body['s'] !== scope) return null;
    return kind.isPosition(body['p']) ? body['p'] : null;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(DOMAIN).update(payload).digest('base64url');
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
