// The development grant: an RFC 9068 JWT access token for any subject, scope, lifetime and audience,
// optionally not valid before a later time, so that tests and `npm run ledger -- token` can act as anyone. Only the development client has it
// among its grant_types (the provider refuses the grant to every other client).
import { errors } from 'oidc-provider';
import {
  DEFAULT_DEVELOPMENT_SCOPE,
  DEFAULT_TTL_SECONDS,
  LEDGER_AUDIENCE,
  LEDGER_RESOURCE,
  LEDGER_SCOPES,
  MAX_TTL_SECONDS,
} from './issuer.constants.mjs';

export const DEVELOPMENT_GRANT_PARAMETERS = ['sub', 'scope', 'ttl', 'audience', 'not_before'];

/** The `nbf` each development token asked for; read back when the provider builds the token's claims. */
const notBefore = new WeakMap();

// Visible ASCII only: a subject or audience ends up in logs, audit records and headers.
const PRINTABLE = /^[\x21-\x7e]{1,255}$/;

/**
 * @param resourceServerInfo (audience) => the resource server settings (format, signing key) of the
 *   issuer's configuration, so these tokens are signed exactly like the client credentials ones.
 */
export function developmentTokenGrant(resourceServerInfo) {
  return async function developmentTokenHandler(ctx) {
    const request = parseRequest(ctx.oidc.params);
    const { provider, client } = ctx.oidc;
    const token = new provider.AccessToken({
      accountId: request.sub,
      client,
      scope: request.scope || undefined,
      expiresIn: request.ttl,
      gty: 'development_token',
    });
    if (request.notBefore > 0) notBefore.set(token, Math.floor(Date.now() / 1000) + request.notBefore);
    token.resourceServer = new provider.ResourceServer(LEDGER_RESOURCE, resourceServerInfo(request.audience));
    ctx.oidc.entity('AccessToken', token);
    const value = await token.save();
    ctx.body = {
      access_token: value,
      token_type: token.tokenType,
      expires_in: request.ttl,
      ...(request.scope ? { scope: request.scope } : {}),
    };
  };
}

/**
 * The provider's `extraTokenClaims`: a development token minted with `not_before` carries `nbf`, so tests
 * can present a token that is not valid yet. Other tokens get no extra claims.
 */
export function developmentTokenClaims(_ctx, token) {
  const nbf = notBefore.get(token);
  return nbf === undefined ? undefined : { nbf };
}

/** The grant's parameters, checked; an InvalidRequest (400 invalid_request) says what is wrong. */
export function parseRequest(params) {
  const { sub, audience = LEDGER_AUDIENCE } = params;
  if (typeof sub !== 'string' || !PRINTABLE.test(sub)) throw new errors.InvalidRequest('sub must be 1 to 255 visible ASCII characters');
  if (typeof audience !== 'string' || !PRINTABLE.test(audience))
    throw new errors.InvalidRequest('audience must be 1 to 255 visible ASCII characters');
  const ttl = parseTtl(params.ttl);
  return { sub, audience, scope: parseScope(params.scope), ttl, notBefore: parseNotBefore(params.not_before, ttl) };
}

function parseScope(scope) {
  if (scope === undefined) return DEFAULT_DEVELOPMENT_SCOPE;
  const values = [...new Set(scope.split(' ').filter((value) => value.length > 0))];
  const unknown = values.find((value) => !LEDGER_SCOPES.includes(value));
  if (unknown !== undefined) throw new errors.InvalidScope(`scope must be among ${LEDGER_SCOPES.join(', ')}`, unknown);
  return values.join(' ');
}

function parseTtl(ttl) {
  if (ttl === undefined) return DEFAULT_TTL_SECONDS;
  const seconds = /^\d{1,6}$/.test(ttl) ? Number(ttl) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_TTL_SECONDS))
    throw new errors.InvalidRequest(`ttl must be an integer from 1 to ${MAX_TTL_SECONDS} (seconds)`);
  return seconds;
}

/** Seconds from now until the token becomes valid: 0 (the default) to less than its ttl. */
function parseNotBefore(notBeforeSeconds, ttl) {
  if (notBeforeSeconds === undefined) return 0;
  const seconds = /^\d{1,6}$/.test(notBeforeSeconds) ? Number(notBeforeSeconds) : Number.NaN;
  if (!(seconds >= 0 && seconds < ttl))
    throw new errors.InvalidRequest(`not_before must be an integer from 0 to less than ttl (${ttl}) seconds`);
  return seconds;
}
