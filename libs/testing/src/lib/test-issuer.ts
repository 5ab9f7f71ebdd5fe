import { required } from '@ledger/platform';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { trackChild } from './tracked-children';

/*
 * Access tokens for tests, always from a real OpenID Connect issuer (tools/oidc-issuer): the one the
 * stack runs (OIDC_ISSUER, else 127.0.0.1:3005), or a private one per suite (startTestIssuer).
 * The grant type, client ids and secrets below are the issuer's development values (issuer.constants.mjs).
 */

const DEFAULT_ISSUER_URL = 'http://127.0.0.1:3005';
const DEVELOPMENT_GRANT = 'urn:ledger:grant-type:development-token';
const DEVELOPMENT_CLIENT = { id: 'ledger-dev', secret: 'ledger-dev-secret' } as const;
const SERVICE_CLIENT_SECRETS = { 'ledger-ops': 'ledger-ops-secret', 'ledger-bench': 'ledger-bench-secret' } as const;
const ISSUER_ENTRY = join(resolve(__dirname, '../../../..'), 'tools/oidc-issuer/oidc-issuer.mjs');
const START_TIMEOUT_MS = 30_000;

/** The issuer's service clients (client credentials grant, every ledger scope). */
export type ServiceClientId = keyof typeof SERVICE_CLIENT_SECRETS;

export interface MintRequest {
  readonly sub: string;
  /** Space-separated ledger scopes; default `ledger:read ledger:write`. */
  readonly scope?: string;
  /** 1 to 86400; default 3600. */
  readonly ttlSeconds?: number;
  /** Default `ledger`; another value makes a wrong-audience token. */
  readonly audience?: string;
  /** The token's `nbf` is this many seconds from now (0 to less than the ttl): a token not valid yet. */
  readonly notBeforeSeconds?: number;
}

export interface SigningKeys {
  /** The kid new tokens are signed with. */
  readonly kid: string;
  /** Every kid the JWKS lists, newest first. */
  readonly kids: readonly string[];
}

/** The issuer the stack runs: OIDC_ISSUER, else http://127.0.0.1:3005. */
export function testIssuerUrl(): string {
  return process.env['OIDC_ISSUER'] || DEFAULT_ISSUER_URL;
}

/** An access token (JWT) for any subject, from the issuer's development grant. */
export function mintToken(request: MintRequest, issuerUrl: string = testIssuerUrl()): Promise<string> {
  const form = new URLSearchParams({ grant_type: DEVELOPMENT_GRANT, sub: request.sub });
  if (request.scope !== undefined) form.set('scope', request.scope);
  if (request.ttlSeconds !== undefined) form.set('ttl', String(request.ttlSeconds));
  if (request.audience !== undefined) form.set('audience', request.audience);
  if (request.notBeforeSeconds !== undefined) form.set('not_before', String(request.notBeforeSeconds));
  return requestToken(issuerUrl, DEVELOPMENT_CLIENT.id, DEVELOPMENT_CLIENT.secret, form);
}

/** A service's access token (client credentials grant); its `sub` and `client_id` are the client id. */
export function serviceToken(clientId: ServiceClientId, scope?: string, issuerUrl: string = testIssuerUrl()): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scope !== undefined) form.set('scope', scope);
  return requestToken(issuerUrl, clientId, SERVICE_CLIENT_SECRETS[clientId], form);
}

async function requestToken(issuerUrl: string, clientId: string, secret: string, form: URLSearchParams): Promise<string> {
  const response = await fetch(await tokenEndpointOf(issuerUrl), {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: form,
  });
  const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(`${issuerUrl} refused a token to ${clientId}: ${response.status} ${body.error ?? ''} ${body.error_description ?? ''}`);
  }
  return body.access_token;
}

/** Each issuer's token endpoint, found once: runs that mint thousands of tokens skip a discovery per token. */
const tokenEndpoints = new Map<string, Promise<string>>();

function tokenEndpointOf(issuerUrl: string): Promise<string> {
  let endpoint = tokenEndpoints.get(issuerUrl);
  if (endpoint === undefined) {
    endpoint = discoverTokenEndpoint(issuerUrl);
    tokenEndpoints.set(issuerUrl, endpoint);
    // A failed discovery is not remembered: the issuer may be up at the next call.
    endpoint.catch(() => tokenEndpoints.delete(issuerUrl));
  }
  return endpoint;
}

async function discoverTokenEndpoint(issuerUrl: string): Promise<string> {
  const response = await fetch(`${issuerUrl}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`${issuerUrl}: no discovery document (${response.status}); is the issuer running (npm run infra:up)?`);
  const { token_endpoint: endpoint } = (await response.json()) as { token_endpoint?: unknown };
  if (typeof endpoint !== 'string') throw new Error(`${issuerUrl}: the discovery document names no token_endpoint`);
  return endpoint;
}

/** A private issuer process, for a suite that needs its own keys (rotation) or isolation. */
export interface TestIssuer {
  readonly url: string;
  mint(request: MintRequest): Promise<string>;
  serviceToken(clientId: ServiceClientId, scope?: string): Promise<string>;
  /** New tokens are signed with a new key (new kid); the JWKS keeps listing the old ones. */
  rotateKeys(): Promise<SigningKeys>;
  stop(): Promise<void>;
}

/** Starts tools/oidc-issuer on a free port; resolves once it answers. */
export async function startTestIssuer(): Promise<TestIssuer> {
  const child = spawn(process.execPath, [ISSUER_ENTRY, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  const url = await issuerUrlOf(child);
  return {
    url,
    mint: (request) => mintToken(request, url),
    serviceToken: (clientId, scope) => serviceToken(clientId, scope, url),
    rotateKeys: async () => {
      const response = await fetch(`${url}/dev/rotate-keys`, { method: 'POST' });
      if (!response.ok) throw new Error(`${url}/dev/rotate-keys answered ${response.status}`);
      return (await response.json()) as SigningKeys;
    },
    stop: () => stopChild(child),
  };
}

/** The issuer prints its URL as its first stdout line once it listens. */
async function issuerUrlOf(child: ChildProcess): Promise<string> {
  const errors: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
  child.once('error', (error) => errors.push(String(error)));
  const lines = createInterface({ input: required(child.stdout, "the issuer's stdout") });
  const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
  try {
    for await (const line of lines) if (/^http:\/\/127\.0\.0\.1:\d+$/.test(line)) return line;
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`the test issuer exited before it was ready (${child.exitCode ?? child.signalCode}):\n${errors.join('')}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
