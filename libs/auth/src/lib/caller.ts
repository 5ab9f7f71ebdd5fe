/** The scopes the ledger's APIs know (the token's space-separated `scope` claim). */
export const SCOPES = ['ledger:read', 'ledger:write', 'ledger:operate'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Who sent a request, as its verified access token says. The application layer receives this value,
 * never a header: `subject` is the token's `sub` (for a service token without one, its `client_id`).
 */
export interface Caller {
  readonly subject: string;
  readonly clientId: string | null;
  readonly scopes: ReadonlySet<string>;
  /** When the token stops being valid: a stream opened with it closes then. */
  readonly expiresAt: Date;
}

/** Operators and trusted services reach every account. */
export function isOperator(caller: Caller): boolean {
  return caller.scopes.has('ledger:operate');
}
