import { startTestIssuer, suiteResource, type TestIssuer } from '@ledger/testing';
import { startCommandApp, type CommandAppHarness } from './command-app.harness';

export interface CommandAppWithIssuer {
  readonly issuer: TestIssuer;
  readonly app: CommandAppHarness;
  /** The app as `sub` sees it, with a real token for `scope` (one token per subject and scope). */
  as(sub: string, scope?: string): Promise<Pick<CommandAppHarness, 'post'>>;
}

export const WRITE_SCOPES = 'ledger:read ledger:write';
export const OPERATOR_SCOPES = 'ledger:read ledger:write ledger:operate';

/**
 * A private OpenID Connect issuer and the command app trusting it, for the enclosing describe: tests
 * act as any subject with real tokens the app verifies as in production.
 */
export function commandAppWithIssuerSuite(env: Record<string, string> = {}): () => CommandAppWithIssuer {
  return suiteResource(
    'the issuer and the command app',
    async () => {
      const issuer = await startTestIssuer();
      const app = await startCommandApp({ OIDC_ISSUER: issuer.url, ...env }).catch(async (error: unknown) => {
        await issuer.stop();
        throw error;
      });
      const tokens = new Map<string, Promise<string>>();
      const tokenOf = (sub: string, scope: string): Promise<string> => {
        const key = `${sub}\n${scope}`;
        let token = tokens.get(key);
        if (token === undefined) {
          token = issuer.mint({ sub, scope });
          tokens.set(key, token);
        }
        return token;
      };
      return { issuer, app, as: async (sub, scope = WRITE_SCOPES) => app.as(await tokenOf(sub, scope)) };
    },
    async ({ issuer, app }) => {
      await app.close();
      await issuer.stop();
    },
  );
}
