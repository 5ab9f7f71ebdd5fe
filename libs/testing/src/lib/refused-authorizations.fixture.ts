import { foreignKeyToken, hmacTokenWithIssuerKey, unsignedToken } from './hostile-tokens';
import type { TestIssuer } from './test-issuer';

/**
 * `Authorization` headers a protected route must answer 401 `invalid_token`. Every token among them
 * claims all three ledger scopes, so a route that lets one through would act on it.
 */
export const REFUSED_AUTHORIZATIONS = [
  'no Authorization header',
  'Basic credentials',
  'an empty Bearer',
  'a Bearer that is not a JWT',
  'a token signed by a foreign key',
  "a foreign key under the issuer's kid",
  'alg none (unsigned)',
  "HS256 keyed with the issuer's public key",
  'an expired token',
  'a token not valid yet (nbf beyond the skew)',
  'a token from another issuer',
  'a token for another audience',
] as const;

export type RefusedAuthorization = (typeof REFUSED_AUTHORIZATIONS)[number];

/** The header of each case; `null`: send none. */
export type RefusedAuthorizationHeaders = Readonly<Record<RefusedAuthorization, string | null>>;

const EVERY_SCOPE = 'ledger:read ledger:write ledger:operate';
/** Well beyond the verifiers' clock tolerance (5 s). */
const NOT_BEFORE_SECONDS = 300;

/**
 * The headers, with tokens made for `sub` against `trusted` (the issuer the app under test trusts);
 * `other` is a second issuer, whose well-formed tokens the app must not trust.
 *
 * 'an expired token' lives for one second from this call: a suite waits once, on the app's answer,
 * until the app refuses it (the verifier's clock tolerance adds a few seconds).
 */
export async function refusedAuthorizationHeaders(
  trusted: TestIssuer,
  other: TestIssuer,
  sub = 'user-mallory',
): Promise<RefusedAuthorizationHeaders> {
  const claims = { sub, scope: EVERY_SCOPE };
  const bearer = async (token: Promise<string> | string) => `Bearer ${await token}`;
  const [expired, notYet, foreignKey, foreignKid, hmac, otherIssuer, otherAudience] = await Promise.all([
    bearer(trusted.mint({ ...claims, ttlSeconds: 1 })),
    bearer(trusted.mint({ ...claims, ttlSeconds: 2 * NOT_BEFORE_SECONDS, notBeforeSeconds: NOT_BEFORE_SECONDS })),
    bearer(foreignKeyToken(claims, trusted.url)),
    bearer(foreignKeyToken(claims, trusted.url, { reuseIssuerKid: true })),
    bearer(hmacTokenWithIssuerKey(claims, trusted.url)),
    bearer(other.mint(claims)),
    bearer(trusted.mint({ ...claims, audience: 'other' })),
  ]);
  return {
    'no Authorization header': null,
    'Basic credentials': `Basic ${Buffer.from(`${sub}:secret`).toString('base64')}`,
    'an empty Bearer': 'Bearer ',
    'a Bearer that is not a JWT': 'Bearer not-a-jwt',
    'a token signed by a foreign key': foreignKey,
    "a foreign key under the issuer's kid": foreignKid,
    'alg none (unsigned)': `Bearer ${unsignedToken(claims, trusted.url)}`,
    "HS256 keyed with the issuer's public key": hmac,
    'an expired token': expired,
    'a token not valid yet (nbf beyond the skew)': notYet,
    'a token from another issuer': otherIssuer,
    'a token for another audience': otherAudience,
  };
}
