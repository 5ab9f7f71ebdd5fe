// The development grant: an RFC 9068 JWT access token for any subject, scope, lifetime and audience,
// so that tests and `npm run ledger -- token` can act as anyone. Only the development client has it
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

export const DEVELOPMENT_GRANT_PARAMETERS = ['sub', 'scope', 'ttl', 'audience'];

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

/** The grant's parameters, checked; an InvalidRequest (400 invalid_request) says what is wrong. */
export function parseRequest(params) {
  const { sub, audience = LEDGER_AUDIENCE } = params;
  if (typeof sub !== 'string' || !PRINTABLE.test(sub)) throw new errors.InvalidRequest('sub must be 1 to 255 visible ASCII characters');
  if (typeof audience !== 'string' || !PRINTABLE.test(audience))
    throw new errors.InvalidRequest('audience must be 1 to 255 visible ASCII characters');
  return { sub, audience, scope: parseScope(params.scope), ttl: parseTtl(params.ttl) };
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
