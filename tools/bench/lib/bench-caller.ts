import { mintToken, RefreshingTokenSource, serviceToken, testIssuerUrl } from '@ledger/testing';

/** What a request needs to be let in: its `Authorization` header (a RefreshingTokenSource is one). */
export interface Bearer {
  readonly authorization: string;
}

/** The subject the benchmarks act as, and so the owner of every account they open over HTTP. */
export const BENCH_SUBJECT = 'ledger-bench';
const BENCH_SCOPES = 'ledger:read ledger:write ledger:operate';

/**
 * The benchmarks act as a trusted service: the issuer's `ledger-bench` client (client credentials,
 * every ledger scope, so no rate limit by default), its token from the stack's issuer (OIDC_ISSUER,
 * else http://127.0.0.1:3005), fetched again before it expires.
 */
export function benchCaller(): Promise<RefreshingTokenSource> {
  return RefreshingTokenSource.start(() => serviceToken('ledger-bench', BENCH_SCOPES, testIssuerUrl()));
}

/**
 * `count` distinct tokens of the bench's subject from the issuer's development grant, `concurrency`
 * requests at a time: requests that each carry a token the service has not verified yet.
 */
export async function distinctBenchTokens(count: number, concurrency = 16): Promise<string[]> {
  const tokens: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) tokens.push(await mintToken({ sub: BENCH_SUBJECT, scope: BENCH_SCOPES }));
    }),
  );
  return tokens;
}
