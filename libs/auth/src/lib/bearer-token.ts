import { UnauthenticatedError } from './auth.errors';

/** RFC 6750 b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of an `Authorization: Bearer` header; anything else (none, Basic, empty, garbage) is unauthenticated. */
export function bearerTokenOf(authorization: string | string[] | undefined): string {
  if (authorization === undefined) throw new UnauthenticatedError('no Authorization header');
  if (Array.isArray(authorization)) throw new UnauthenticatedError('more than one Authorization header');
  const match = BEARER.exec(authorization);
  if (!match?.[1]) throw new UnauthenticatedError('the Authorization header is not a Bearer token');
  return match[1];
}
