import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import { testIssuerUrl } from './test-issuer';

/*
 * Tokens the issuer never mints, for negative tests of token verification: each carries the issuer's
 * `iss`, the `ledger` audience and a live `exp`, so a verifier that lets one through has skipped the
 * one check the token is built to fail.
 */

export interface HostileTokenRequest {
  readonly sub: string;
  /** Default `ledger:read ledger:write ledger:operate`: a forged token asks for everything. */
  readonly scope?: string;
  /** Default `ledger`. */
  readonly audience?: string;
  /** Default 300. */
  readonly ttlSeconds?: number;
}

/** The claims of an RFC 9068 access token from `issuerUrl`, as the issuer would have written them. */
export function accessTokenClaims(request: HostileTokenRequest, issuerUrl: string = testIssuerUrl()): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuerUrl,
    sub: request.sub,
    aud: request.audience ?? 'ledger',
    iat: now,
    exp: now + (request.ttlSeconds ?? 300),
    jti: randomUUID(),
    client_id: 'ledger-dev',
    scope: request.scope ?? 'ledger:read ledger:write ledger:operate',
  };
}

/** `alg: none`: no signature at all. */
export function unsignedToken(request: HostileTokenRequest, issuerUrl: string = testIssuerUrl()): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'at+jwt' })}.${part(accessTokenClaims(request, issuerUrl))}.`;
}

/**
 * HS256 with the issuer's public key (PEM, as served in its JWKS) as the HMAC secret, under the issuer's
 * kid: the algorithm-confusion attack on a verifier that takes the algorithm from the token.
 */
export async function hmacTokenWithIssuerKey(request: HostileTokenRequest, issuerUrl: string = testIssuerUrl()): Promise<string> {
  const jwk = await issuerSigningKey(issuerUrl);
  const pem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  return new SignJWT(accessTokenClaims(request, issuerUrl))
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: jwk.kid })
    .sign(new TextEncoder().encode(pem.toString()));
}

/**
 * ES256 with a key pair made here, never published by the issuer. With `reuseIssuerKid` the header names
 * the issuer's current kid (a verifier must check the signature, not just find the key); otherwise an
 * unknown kid (a verifier refetches the JWKS once, finds nothing, and refuses).
 */
export async function foreignKeyToken(
  request: HostileTokenRequest,
  issuerUrl: string = testIssuerUrl(),
  options: { readonly reuseIssuerKid?: boolean } = {},
): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  const kid = options.reuseIssuerKid === true ? (await issuerSigningKey(issuerUrl)).kid : `foreign-${randomUUID()}`;
  return new SignJWT(accessTokenClaims(request, issuerUrl)).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(privateKey);
}

interface PublishedKey extends Record<string, unknown> {
  readonly kid: string;
}

/** The first key of the issuer's JWKS (the one it signs with: the issuer lists the newest first). */
async function issuerSigningKey(issuerUrl: string): Promise<PublishedKey> {
  const discovery = (await (await fetch(`${issuerUrl}/.well-known/openid-configuration`)).json()) as { jwks_uri?: string };
  if (typeof discovery.jwks_uri !== 'string') throw new Error(`${issuerUrl}: the discovery document names no jwks_uri`);
  const { keys } = (await (await fetch(discovery.jwks_uri)).json()) as { keys?: PublishedKey[] };
  const [first] = keys ?? [];
  if (first === undefined) throw new Error(`${discovery.jwks_uri} lists no keys`);
  return first;
}
