import {
  eventually,
  foreignKeyToken,
  hmacTokenWithIssuerKey,
  startTestIssuer,
  suiteResource,
  unsignedToken,
  type TestIssuer,
} from '@ledger/testing';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyOptions } from 'jose';

interface Discovery {
  readonly issuer: string;
  readonly jwks_uri: string;
  readonly token_endpoint: string;
  readonly grant_types_supported: readonly string[];
}

const DEVELOPMENT_GRANT = 'urn:ledger:grant-type:development-token';
const ASYMMETRIC = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

async function discoveryOf(url: string): Promise<Discovery> {
  const response = await fetch(`${url}/.well-known/openid-configuration`);
  expect(response.status).toBe(200);
  return (await response.json()) as Discovery;
}

async function kidsOf(url: string): Promise<string[]> {
  const { keys } = (await (await fetch((await discoveryOf(url)).jwks_uri)).json()) as { keys: { kid: string }[] };
  return keys.map((key) => key.kid);
}

/** What the ledger's services check: signature over the JWKS, issuer, audience, typ, asymmetric algs. */
function verifyOptions(issuer: TestIssuer): JWTVerifyOptions {
  return { issuer: issuer.url, audience: 'ledger', typ: 'at+jwt', algorithms: ASYMMETRIC };
}

async function verify(issuer: TestIssuer, token: string, keys = createRemoteJWKSet(new URL(`${issuer.url}/jwks`))) {
  return (await jwtVerify(token, keys, verifyOptions(issuer))).payload;
}

/** The development grant's error for these form fields (sent as the development client). */
async function refusal(issuer: TestIssuer, clientId: string, secret: string, fields: Record<string, string>) {
  const response = await fetch(`${issuer.url}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: DEVELOPMENT_GRANT, ...fields }),
  });
  return { status: response.status, error: ((await response.json()) as { error?: string }).error };
}

describe('the development OpenID Connect issuer', () => {
  const issuer = suiteResource('test issuer', startTestIssuer, (started) => started.stop());

  it('describes itself by discovery, with its token endpoint, JWKS and grants', async () => {
    const discovery = await discoveryOf(issuer().url);
    expect(discovery.issuer).toBe(issuer().url);
    expect(discovery.token_endpoint).toBe(`${issuer().url}/token`);
    expect(discovery.jwks_uri).toBe(`${issuer().url}/jwks`);
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials', DEVELOPMENT_GRANT]));
  });

  it('publishes public asymmetric keys only', async () => {
    const { keys } = (await (await fetch(`${issuer().url}/jwks`)).json()) as { keys: Record<string, string>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('mints a development token for any subject: an RFC 9068 JWT with the asked sub, scope, ttl and audience', async () => {
    const token = await issuer().mint({ sub: 'user-alice', scope: 'ledger:read ledger:operate', ttlSeconds: 120 });
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(await kidsOf(issuer().url)).toEqual([header.kid]);

    const claims = await verify(issuer(), token);
    expect(claims).toMatchObject({
      iss: issuer().url,
      sub: 'user-alice',
      aud: 'ledger',
      client_id: 'ledger-dev',
      scope: 'ledger:read ledger:operate',
    });
    expect(typeof claims.jti).toBe('string');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(120);
  });

  it('defaults to ledger:read ledger:write for an hour', async () => {
    const claims = decodeJwt(await issuer().mint({ sub: 'user-bob' }));
    expect(claims.scope).toBe('ledger:read ledger:write');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
  });

  it('mints for another audience on request, which a ledger verifier refuses', async () => {
    const token = await issuer().mint({ sub: 'user-carol', audience: 'payments' });
    expect(decodeJwt(token).aud).toBe('payments');
    await expect(verify(issuer(), token)).rejects.toBeInstanceOf(errors.JWTClaimValidationFailed);
  });

  it('issues a token that a verifier refuses once it has expired', async () => {
    const token = await issuer().mint({ sub: 'user-dave', ttlSeconds: 1 });
    const keys = createRemoteJWKSet(new URL(`${issuer().url}/jwks`));
    expect((await verify(issuer(), token, keys)).sub).toBe('user-dave');
    let outcome: unknown;
    await eventually(
      async () => {
        outcome = await verify(issuer(), token, keys).catch((error: unknown) => error);
        return outcome instanceof errors.JWTExpired;
      },
      10_000,
      'the 1 s token to expire',
      () => String(outcome),
      100,
    );
  });

  it('mints a token not valid before a later time on request, which a verifier refuses until then', async () => {
    const token = await issuer().mint({ sub: 'user-frank', ttlSeconds: 600, notBeforeSeconds: 300 });
    const claims = decodeJwt(token);
    expect((claims.nbf ?? 0) - (claims.iat ?? 0)).toBe(300);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);
    await expect(verify(issuer(), token)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'nbf' });
    expect(decodeJwt(await issuer().mint({ sub: 'user-frank' }))).not.toHaveProperty('nbf');
    expect(decodeJwt(await issuer().serviceToken('ledger-ops', 'ledger:read'))).not.toHaveProperty('nbf');
  });

  it.each([
    ['no subject', {}],
    ['a subject with a space', { sub: 'a b' }],
    ['an unknown scope', { sub: 'x', scope: 'ledger:read admin' }, 'invalid_scope'],
    ['a ttl of 0', { sub: 'x', ttl: '0' }],
    ['a ttl over a day', { sub: 'x', ttl: '86401' }],
    ['a ttl that is not an integer', { sub: 'x', ttl: '1.5' }],
    ['a not_before that is negative', { sub: 'x', not_before: '-1' }],
    ['a not_before at or beyond the ttl', { sub: 'x', ttl: '60', not_before: '60' }],
  ])('refuses a development token with %s', async (_case, fields: Record<string, string>, error = 'invalid_request') => {
    expect(await refusal(issuer(), 'ledger-dev', 'ledger-dev-secret', fields)).toEqual({ status: 400, error });
  });

  it('refuses the development grant to every other client, and a wrong secret', async () => {
    expect(await refusal(issuer(), 'ledger-ops', 'ledger-ops-secret', { sub: 'x' })).toEqual({ status: 400, error: 'invalid_request' });
    expect(await refusal(issuer(), 'ledger-dev', 'wrong', { sub: 'x' })).toEqual({ status: 401, error: 'invalid_client' });
  });

  it.each(['ledger-ops', 'ledger-bench'] as const)('gives %s a client credentials token for the ledger', async (client) => {
    const claims = await verify(issuer(), await issuer().serviceToken(client, 'ledger:read ledger:write ledger:operate'));
    expect(claims).toMatchObject({
      iss: issuer().url,
      sub: client,
      client_id: client,
      aud: 'ledger',
      scope: 'ledger:read ledger:write ledger:operate',
    });
  });

  describe('hostile tokens it never mints', () => {
    const user = { sub: 'user-mallory' };

    it.each([
      ['alg none', () => Promise.resolve(unsignedToken(user, issuer().url))],
      ['HS256 keyed with its public key', () => hmacTokenWithIssuerKey(user, issuer().url)],
      ['a foreign key', () => foreignKeyToken(user, issuer().url)],
      ['a foreign key under its kid', () => foreignKeyToken(user, issuer().url, { reuseIssuerKid: true })],
    ])('%s: its claims pass, the token is refused', async (_case, make) => {
      const token = await make();
      expect(decodeJwt(token)).toMatchObject({ iss: issuer().url, aud: 'ledger', sub: 'user-mallory' });
      await expect(verify(issuer(), token)).rejects.toBeInstanceOf(errors.JOSEError);
    });

    it('HS256 keyed with the public key verifies under that key: a verifier trusting the token’s alg would accept it', async () => {
      const token = await hmacTokenWithIssuerKey(user, issuer().url);
      const { keys } = (await (await fetch(`${issuer().url}/jwks`)).json()) as { keys: Record<string, unknown>[] };
      const { createPublicKey } = await import('node:crypto');
      const pem = createPublicKey({ key: keys[0] as never, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
      const { payload } = await jwtVerify(token, new TextEncoder().encode(pem), { algorithms: ['HS256'] });
      expect(payload.sub).toBe('user-mallory');
    });
  });
});

describe('key rotation on the development issuer', () => {
  const issuer = suiteResource('test issuer', startTestIssuer, (started) => started.stop());

  it('signs with a new kid, keeps the old key in the JWKS, and a running verifier picks the new key up', async () => {
    // A verifier that has already fetched the JWKS, as a running service has (no cooldown, to refetch at once).
    const keys = createRemoteJWKSet(new URL(`${issuer().url}/jwks`), { cooldownDuration: 0 });
    const before = await issuer().mint({ sub: 'user-erin' });
    await verify(issuer(), before, keys);
    const [oldKid] = await kidsOf(issuer().url);

    const rotated = await issuer().rotateKeys();
    expect(rotated.kid).not.toBe(oldKid);
    expect(rotated.kids).toEqual([rotated.kid, oldKid]);
    expect(await kidsOf(issuer().url)).toEqual([rotated.kid, oldKid]);

    const after = await issuer().mint({ sub: 'user-erin' });
    expect(decodeProtectedHeader(after).kid).toBe(rotated.kid);
    expect(decodeProtectedHeader(await issuer().serviceToken('ledger-ops', 'ledger:read')).kid).toBe(rotated.kid);
    expect((await verify(issuer(), after, keys)).sub).toBe('user-erin');
    expect((await verify(issuer(), before, keys)).sub).toBe('user-erin');
  });

  it('stops, and then answers no more', async () => {
    const own = await startTestIssuer();
    expect((await discoveryOf(own.url)).issuer).toBe(own.url);
    await own.stop();
    await expect(fetch(`${own.url}/jwks`)).rejects.toThrow();
  });
});
