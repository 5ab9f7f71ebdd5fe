/**
 * `npm run -s ledger -- token --sub <subject>`: an access token from the development issuer, printed
 * alone on stdout so that a shell can capture it. Asks as the issuer's development client, whose grant
 * (tools/oidc-issuer) mints a token for any subject; a real issuer has no such grant.
 */
import { messageOf } from '@ledger/platform';
import { EXIT, type ExitCode } from '../exit-codes';
import type { TokenCommand } from '../ledger-arguments.parser';
import { configOrReport, IssuerConfig } from '../ledger.config';
import { printable, type Terminal } from '../ledger.output';

/** The development issuer's values (tools/oidc-issuer/issuer.constants.mjs). */
const DEVELOPMENT_GRANT = 'urn:ledger:grant-type:development-token';
const DEVELOPMENT_CLIENT = 'ledger-dev:ledger-dev-secret';
const TIMEOUT_MS = 10_000;

class IssuerError extends Error {}

export async function tokenCommand(command: TokenCommand, terminal: Terminal, env: NodeJS.ProcessEnv): Promise<ExitCode> {
  const config = configOrReport(IssuerConfig, env, (message) => terminal.err(message));
  if (config === null) return EXIT.config;
  const issuer = config.OIDC_ISSUER.replace(/\/+$/, '');
  try {
    terminal.out(await requestToken(issuer, command));
    return EXIT.ok;
  } catch (error) {
    const reason =
      error instanceof IssuerError ? error.message : `cannot reach ${issuer} (${messageOf(error)}); is the stack up (npm run infra:up)?`;
    terminal.err(`ledger token: ${printable(reason)}`);
    return EXIT.failed;
  }
}

async function requestToken(issuer: string, command: TokenCommand): Promise<string> {
  const response = await fetch(await tokenEndpointOf(issuer), {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(DEVELOPMENT_CLIENT).toString('base64')}` },
    body: new URLSearchParams({
      grant_type: DEVELOPMENT_GRANT,
      sub: command.subject,
      scope: command.scope,
      ttl: String(command.ttlSeconds),
      audience: command.audience,
    }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = await jsonOf(response, issuer);
  const token = body['access_token'];
  if (response.ok && typeof token === 'string') return token;
  const why = [body['error'], body['error_description']].filter((part) => typeof part === 'string').join(': ');
  throw new IssuerError(`${issuer} refused the token (${response.status}${why ? ` ${why}` : ''})`);
}

async function tokenEndpointOf(issuer: string): Promise<string> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new IssuerError(`${issuer} serves no OpenID Connect discovery document (${response.status})`);
  const endpoint = (await jsonOf(response, issuer))['token_endpoint'];
  if (typeof endpoint !== 'string') throw new IssuerError(`${issuer}: its discovery document names no token_endpoint`);
  return endpoint;
}

async function jsonOf(response: Response, issuer: string): Promise<Record<string, unknown>> {
  const body: unknown = await response.json().catch(() => undefined);
  if (typeof body !== 'object' || body === null) throw new IssuerError(`${issuer} answered ${response.status} without a JSON object`);
  return body as Record<string, unknown>;
}
