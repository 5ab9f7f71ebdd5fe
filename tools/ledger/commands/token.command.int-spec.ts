import { startTestIssuer, suiteResource } from '@ledger/testing';
import { freePort, TYPESCRIPT_NODE_ARGS } from '@ledger/tooling';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { runLedger } from '../ledger.cli';
import type { Terminal } from '../ledger.output';

const root = join(__dirname, '..', '..', '..');

describe('npm run ledger -- token, against a real issuer', () => {
  const issuer = suiteResource('test issuer', startTestIssuer, (started) => started.stop());

  async function ledger(argv: readonly string[], env: NodeJS.ProcessEnv) {
    const out: string[] = [];
    const err: string[] = [];
    const terminal: Terminal = { isTty: false, columns: 80, out: (t) => out.push(t), err: (t) => err.push(t) };
    const code = await runLedger(argv, terminal, env);
    return { code, out, err: err.join('\n') };
  }

  it('prints one token, which verifies against the issuer with the subject, scope, lifetime and audience asked for', async () => {
    const run = await ledger(['token', '--sub', 'alice', '--scope', 'ledger:read ledger:operate', '--ttl', '90'], {
      OIDC_ISSUER: issuer().url,
    });
    expect(run).toEqual({ code: 0, out: [expect.any(String)], err: '' });
    const { payload } = await jwtVerify(run.out[0] ?? '', createRemoteJWKSet(new URL(`${issuer().url}/jwks`)), {
      issuer: issuer().url,
      audience: 'ledger',
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
    expect(payload).toMatchObject({ sub: 'alice', scope: 'ledger:read ledger:operate', client_id: 'ledger-dev' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(90);
  });

  it('given --audience, then a token for that audience', async () => {
    const run = await ledger(['token', '--sub', 'bob', '--audience', 'payments'], { OIDC_ISSUER: `${issuer().url}/` });
    expect(run.code).toBe(0);
    expect(decodeJwt(run.out[0] ?? '')).toMatchObject({ sub: 'bob', aud: 'payments', scope: 'ledger:read ledger:write' });
  });

  it('given an issuer that does not answer, then exit 1 and why, on stderr only', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await ledger(['token', '--sub', 'carol'], { OIDC_ISSUER: url });
    expect(run.code).toBe(1);
    expect(run.out).toEqual([]);
    expect(run.err).toMatch(new RegExp(`^ledger token: cannot reach ${url} .*npm run infra:up`));
  });

  it('given an OIDC_ISSUER that is not a URL, then exit 78 naming it', async () => {
    const run = await ledger(['token', '--sub', 'carol'], { OIDC_ISSUER: 'issuer.local' });
    expect(run.code).toBe(78);
    expect(run.err).toMatch(/OIDC_ISSUER: must be an http\(s\) URL/);
  });

  it('given bad arguments, then exit 2 with the usage, and the issuer is not asked', async () => {
    const run = await ledger(['token', '--sub', 'dave', '--scope', 'admin'], { OIDC_ISSUER: 'http://127.0.0.1:1' });
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err).toMatch(/--scope must be one or more of/);
  });

  it('as `npm run -s ledger -- token`, writes the token and nothing else on stdout', async () => {
    const child = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [...TYPESCRIPT_NODE_ARGS, 'tools/ledger/ledger.cli.ts', 'token', '--sub', 'erin'],
        { cwd: root, env: { PATH: process.env['PATH'] ?? '', OIDC_ISSUER: issuer().url }, timeout: 90_000 },
        (error, stdout) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout }),
      );
    });
    expect(child.code).toBe(0);
    expect(child.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(decodeJwt(child.stdout.trim()).sub).toBe('erin');
  }, 120_000);
});
