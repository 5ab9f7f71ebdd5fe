import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Caller } from './caller';
import { IssuerUnavailableError, UnauthenticatedError } from './auth.errors';
import { VerifiedTokenCache, VERIFIED_TOKEN_CACHE_SIZE } from './verified-token.cache';

/** Asymmetric algorithms only: `none` and the HS* family (a shared secret the issuer's public key could fake) are refused. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface AccessTokenVerifierOptions {
  /** `iss` must equal it; its OpenID discovery document names the JWKS. */
  readonly issuer: string;
  /** `aud` must contain it. */
  readonly audience: string;
  /** The JOSE `typ` header a token must carry (RFC 9068: `at+jwt`); empty accepts any. */
  readonly tokenType?: string;
  readonly clockToleranceSeconds?: number;
  /** How soon an unknown `kid` may trigger another JWKS fetch (key rotation is picked up then). */
  readonly jwksCooldownMs?: number;
  readonly cacheSize?: number;
  readonly now?: () => number;
}

/** A failure of the token itself, as opposed to one of fetching the issuer's keys. */
const TOKEN_FAULTS = new Set([
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_INVALID',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JWK_INVALID',
]);

function callerOf(payload: JWTPayload): Caller {
  const clientId = typeof payload['client_id'] === 'string' ? payload['client_id'] : null;
  const subject = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : clientId;
  if (subject === null) throw new UnauthenticatedError('the token names no subject and no client');
  if (typeof payload.exp !== 'number') throw new UnauthenticatedError('the token has no expiry');
  const scope = typeof payload['scope'] === 'string' ? payload['scope'] : '';
  return { subject, clientId, scopes: new Set(scope.split(' ').filter(Boolean)), expiresAt: new Date(payload.exp * 1000) };
}

/**
 * Verifies bearer access tokens (RFC 9068 JWTs) against the issuer's keys, found by OpenID discovery and
 * cached by jose, which refetches them on an unknown `kid`. A token verified once is remembered until it
 * expires, so a client's later requests skip the signature check.
 */
export class AccessTokenVerifier {
  private keys: Promise<JWTVerifyGetKey> | null = null;
  private readonly cache: VerifiedTokenCache;
  private readonly now: () => number;

  constructor(private readonly options: AccessTokenVerifierOptions) {
    this.cache = new VerifiedTokenCache(options.cacheSize ?? VERIFIED_TOKEN_CACHE_SIZE);
    this.now = options.now ?? Date.now;
  }

  async verify(token: string): Promise<Caller> {
    const cached = this.cache.get(token, this.now());
    if (cached !== undefined) return cached;
    const payload = await this.verifySignatureAndClaims(token);
    const caller = callerOf(payload);
    this.cache.remember(token, caller);
    return caller;
  }

  private async verifySignatureAndClaims(token: string): Promise<JWTPayload> {
    const { issuer, audience, tokenType, clockToleranceSeconds } = this.options;
    try {
      const { payload } = await jwtVerify(token, await this.jwks(), {
        issuer,
        audience,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: clockToleranceSeconds ?? 5,
        ...(tokenType ? { typ: tokenType } : {}),
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (error: unknown) {
      if (error instanceof errors.JOSEError && TOKEN_FAULTS.has(error.code)) throw new UnauthenticatedError(error.message);
      if (error instanceof UnauthenticatedError || error instanceof IssuerUnavailableError) throw error;
      throw new IssuerUnavailableError(error instanceof Error ? error.message : String(error));
    }
  }

  /** Discovery runs once it succeeds; a failed attempt is forgotten so the next request tries again. */
  private jwks(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.discover().catch((error: unknown) => {
      this.keys = null;
      throw error;
    });
    return this.keys;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const url = `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let jwksUri: unknown;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      jwksUri = ((await response.json()) as { jwks_uri?: unknown }).jwks_uri;
    } catch (error: unknown) {
      throw new IssuerUnavailableError(`OpenID discovery failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (typeof jwksUri !== 'string') throw new IssuerUnavailableError(`${url} names no jwks_uri`);
    return createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: this.options.jwksCooldownMs ?? 30_000 });
  }
}
