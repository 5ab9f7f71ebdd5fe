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
export function distinctBenchTokens(count: number, concurrency = 16): Promise<string[]> {
  return mintMany(count, concurrency, () => BENCH_SUBJECT, BENCH_SCOPES);
}

/**
 * One reader per stream, `count` of them (subjects `bench-follower-<n>`, operators so that they may
 * read the bench's accounts): the query service bounds the streams of one caller, and a benchmark
 * that follows hundreds of accounts stands for as many clients.
 */
export async function followerTokens(count: number): Promise<Bearer[]> {
  const tokens = await mintMany(count, 16, (n) => `bench-follower-${n}`, 'ledger:read ledger:operate');
  return tokens.map((token) => ({ authorization: `Bearer ${token}` }));
}

async function mintMany(count: number, concurrency: number, subject: (n: number) => string, scope: string): Promise<string[]> {
  const tokens: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = next++; n < count; n = next++) tokens[n] = await mintToken({ sub: subject(n), scope });
    }),
  );
  return tokens;
}
