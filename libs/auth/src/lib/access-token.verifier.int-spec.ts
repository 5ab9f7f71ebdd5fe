import { decodeJwt } from 'jose';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { AccessTokenVerifier, type AccessTokenVerifierOptions } from './access-token.verifier';
import { IssuerUnavailableError, UnauthenticatedError } from './auth.errors';

/*
 * Against the real development issuer (tools/oidc-issuer), one private process per suite. @ledger/testing
 * starts it for every other suite, but it depends on this library, so this suite starts it itself.
 */

const ISSUER_ENTRY = resolve(__dirname, '../../../../tools/oidc-issuer/oidc-issuer.mjs');
const CLIENT_SECRETS: Record<string, string> = { 'ledger-dev': 'ledger-dev-secret', 'ledger-ops': 'ledger-ops-secret' };

interface Issuer {
  readonly url: string;
  /** A development token (any subject); `fields` are the grant's: scope, ttl. */
  mint(sub: string, fields?: Record<string, string>): Promise<string>;
  serviceToken(clientId: 'ledger-ops', scope: string): Promise<string>;
  stop(): Promise<void>;
}

async function startIssuer(): Promise<Issuer> {
  const child = spawn(process.execPath, [ISSUER_ENTRY, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await firstUrlOf(child);
  const token = async (clientId: string, form: Record<string, string>) => {
    const response = await fetch(`${url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${CLIENT_SECRETS[clientId]}`).toString('base64')}` },
      body: new URLSearchParams(form),
    });
    const body = (await response.json()) as { access_token?: string };
    if (typeof body.access_token !== 'string') throw new Error(`${url}/token answered ${response.status}: ${JSON.stringify(body)}`);
    return body.access_token;
  };
  return {
    url,
    mint: (sub, fields = {}) => token('ledger-dev', { grant_type: 'urn:ledger:grant-type:development-token', sub, ...fields }),
    serviceToken: (clientId, scope) => token(clientId, { grant_type: 'client_credentials', scope }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The issuer prints its URL, one line, once it answers; its warnings on stderr are told only if it fails. */
async function firstUrlOf(child: ChildProcess): Promise<string> {
  const errors: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
  if (child.stdout === null) throw new Error('the issuer has no stdout');
  for await (const line of createInterface({ input: child.stdout })) if (/^http:\/\/127\.0\.0\.1:\d+$/.test(line)) return line;
  throw new Error(`the issuer exited before it was ready (${child.exitCode ?? child.signalCode}):\n${errors.join('')}`);
}

/** Polls `attempt` until it settles as `expected` says; the test's timeout bounds the wait. */
async function until(attempt: () => Promise<unknown>, expected: (outcome: unknown) => boolean): Promise<unknown> {
  for (;;) {
    const outcome = await attempt().catch((error: unknown) => error);
    if (expected(outcome)) return outcome;
    await delay(100);
  }
}

const verifierFor = (issuer: Issuer, options: Partial<AccessTokenVerifierOptions> = {}) =>
  new AccessTokenVerifier({ issuer: issuer.url, audience: 'ledger', tokenType: 'at+jwt', ...options });

describe('AccessTokenVerifier against a real OpenID Connect issuer', () => {
  let issuer: Issuer;

  beforeAll(async () => {
    issuer = await startIssuer();
  }, 30_000);

  afterAll(async () => {
    await issuer.stop();
  });

  it('given a development token, then the caller is its sub, the development client, its scopes and its expiry', async () => {
    const token = await issuer.mint('user-ada', { scope: 'ledger:read ledger:operate', ttl: '120' });

    const caller = await verifierFor(issuer).verify(token);

    expect(caller).toEqual({
      subject: 'user-ada',
      clientId: 'ledger-dev',
      scopes: new Set(['ledger:read', 'ledger:operate']),
      expiresAt: new Date((decodeJwt(token).exp ?? 0) * 1000),
    });
  });

  it('given a service token (client credentials), then the caller is the client, by subject and client id', async () => {
    const token = await issuer.serviceToken('ledger-ops', 'ledger:read ledger:write ledger:operate');

    const caller = await verifierFor(issuer).verify(token);

    expect(caller).toEqual({
      subject: 'ledger-ops',
      clientId: 'ledger-ops',
      scopes: new Set(['ledger:read', 'ledger:write', 'ledger:operate']),
      expiresAt: new Date((decodeJwt(token).exp ?? 0) * 1000),
    });
  });

  it('given a token verified before, then it is answered from the cache (the same caller), which a verifier without one never does', async () => {
    const token = await issuer.mint('user-bea');
    const cached = verifierFor(issuer);
    const uncached = verifierFor(issuer, { cacheSize: 0 });

    const first = await cached.verify(token);
    const again = await cached.verify(token);
    const uncachedFirst = await uncached.verify(token);

    expect(again).toBe(first);
    expect(await uncached.verify(token)).not.toBe(uncachedFirst);
    expect(await uncached.verify(token)).toEqual(uncachedFirst);
  });

  it('given a cached token past its expiry, then it is refused as unauthenticated', async () => {
    const verifier = verifierFor(issuer, { clockToleranceSeconds: 0 });
    // Keys fetched first, so the short-lived token is verified (and cached) well inside its lifetime.
    await verifier.verify(await issuer.mint('user-cleo'));
    const token = await issuer.mint('user-cleo', { ttl: '3' });
    expect((await verifier.verify(token)).subject).toBe('user-cleo');

    const outcome = await until(
      () => verifier.verify(token),
      (result) => result instanceof Error,
    );

    expect(outcome).toBeInstanceOf(UnauthenticatedError);
  }, 20_000);
});

describe('AccessTokenVerifier and an issuer that is gone', () => {
  it('given tokens verified while it ran, then they still verify once the issuer process has stopped', async () => {
    const issuer = await startIssuer();
    const verifier = verifierFor(issuer);
    const token = await issuer.mint('user-dora');
    const caller = await verifier.verify(token);

    await issuer.stop();

    expect(await verifier.verify(token)).toBe(caller);
  });

  it('given an issuer stopped before its first use, then IssuerUnavailableError (not a token fault), and so again on retry', async () => {
    const issuer = await startIssuer();
    const token = await issuer.mint('user-edda');
    await issuer.stop();
    const verifier = verifierFor(issuer);

    await expect(verifier.verify(token)).rejects.toBeInstanceOf(IssuerUnavailableError);
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(IssuerUnavailableError);
  });
});
