import type { Scope } from './caller';

/**
 * No usable token: missing, malformed, expired, wrongly signed, foreign issuer or audience (RFC 6750
 * `invalid_token`). `reason` is for logs only; clients learn nothing about which check failed.
 */
export class UnauthenticatedError extends Error {
  readonly wwwAuthenticate = 'Bearer error="invalid_token"';

  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnauthenticatedError';
  }
}

/** A valid token without the scope the route needs (RFC 6750 `insufficient_scope`). */
export class InsufficientScopeError extends Error {
  readonly wwwAuthenticate: string;

  constructor(readonly scope: Scope) {
    super(`This operation needs the ${scope} scope.`);
    this.name = 'InsufficientScopeError';
    this.wwwAuthenticate = `Bearer error="insufficient_scope", scope="${scope}"`;
  }
}

/** The issuer's discovery document or keys cannot be fetched: nothing can be verified now. */
export class IssuerUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'IssuerUnavailableError';
  }
}
