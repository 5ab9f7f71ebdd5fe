// The oidc-provider configuration: in memory, no interactive login, JWT access tokens (RFC 9068) for
// the ledger resource server, client credentials for services, and the development grant.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';
import { DEVELOPMENT_GRANT_PARAMETERS, developmentTokenClaims, developmentTokenGrant } from './development-token.grant.mjs';
import {
  CLIENTS,
  DEFAULT_TTL_SECONDS,
  DEVELOPMENT_GRANT,
  LEDGER_AUDIENCE,
  LEDGER_RESOURCE,
  LEDGER_SCOPES,
  SIGNING_ALG,
} from './issuer.constants.mjs';

/** Only for interactive sessions, which this issuer has none of; set so that the provider does not warn. */
const COOKIE_KEYS = [randomBytes(32).toString('base64url')];

/** A fresh P-256 private key as a JWK, with a kid of its own. */
export function newSigningKey() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: SIGNING_ALG, use: 'sig' };
}

/**
 * A provider for `issuer` that signs with the first of `signingKeys` and publishes all of them in its
 * JWKS, so that tokens signed with a retired key still verify after a rotation.
 */
export function createProvider(issuer, signingKeys) {
  const signingKid = signingKeys[0].kid;
  const resourceServerInfo = (audience = LEDGER_AUDIENCE) => ({
    audience,
    scope: LEDGER_SCOPES.join(' '),
    accessTokenFormat: 'jwt',
    accessTokenTTL: DEFAULT_TTL_SECONDS,
    jwt: { sign: { alg: SIGNING_ALG, kid: signingKid } },
  });
  const provider = new Provider(issuer, {
    // Machine clients only: no redirects, no authorization endpoint use.
    clients: CLIENTS.map((client) => ({ ...client, redirect_uris: [], response_types: [] })),
    jwks: { keys: signingKeys },
    cookies: { keys: COOKIE_KEYS },
    clientDefaults: { id_token_signed_response_alg: SIGNING_ALG },
    extraTokenClaims: developmentTokenClaims,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => LEDGER_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== LEDGER_RESOURCE) throw new errors.InvalidTarget(`the only resource is ${LEDGER_RESOURCE}`);
          return resourceServerInfo();
        },
      },
    },
  });
  provider.registerGrantType(DEVELOPMENT_GRANT, developmentTokenGrant(resourceServerInfo), DEVELOPMENT_GRANT_PARAMETERS);
  provider.on('server_error', (_ctx, error) => console.error(`oidc-issuer: ${error.stack ?? error}`));
  return provider;
}
