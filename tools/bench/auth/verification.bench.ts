/**
 * `npm run bench:auth [-- --tokens 2000 --repeats 200000]`
 *
 * What checking an access token costs the command and query services per request, with the verifier
 * they use (`AccessTokenVerifier` from @ledger/auth) and tokens from the real issuer (OIDC_ISSUER, else
 * the development issuer on 127.0.0.1:3005), side by side in one run:
 *
 *   - a Map lookup in the same loop: the floor of the cached path (a loop, an await, a hash lookup);
 *   - verify() of a token already verified: the verified-token cache (target < 0.03 ms);
 *   - verify() of a token seen for the first time: signature, claims, key from the JWKS already fetched;
 *   - jose's jwtVerify with a local ES256 key: the signature and claims check alone.
 *
 * Each case runs sequentially on one core (one verify at a time, as one request's guard does). Prints
 * wall-clock microseconds per operation and this process's CPU (process.cpuUsage) per operation, and
 * writes tools/bench/results/auth.json.
 */
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { AccessTokenVerifier, type Caller } from '@ledger/auth';
import { testIssuerUrl } from '@ledger/testing';
import { distinctBenchTokens } from '../lib/bench-caller';
import { positiveNumber } from '../lib/bench-options';
import { formatTable } from '../lib/table';

const RESULTS = join(__dirname, '..', 'results', 'auth.json');
const TARGET_CACHED_MS = 0.03;
/** As the apps are configured by default (OIDC_AUDIENCE, OIDC_TOKEN_TYPE). */
const AUDIENCE = 'ledger';
const TOKEN_TYPE = 'at+jwt';
/** Verified before a first-seen case is timed: discovery, the JWKS fetch and the JIT warm-up. */
const WARM_UP_TOKENS = 200;

function options() {
  const { values } = parseArgs({
    options: {
      tokens: { type: 'string', default: '2000' },
      repeats: { type: 'string', default: '200000' },
    },
  });
  return {
    tokens: Math.round(positiveNumber('tokens', values.tokens)),
    repeats: Math.round(positiveNumber('repeats', values.repeats)),
  };
}

interface CaseResult {
  readonly measure: string;
  readonly ops: number;
  readonly microsPerOp: number;
  readonly cpuMsPerOp: number;
}

/** Runs `op` for i = 0..ops-1, one after the other, timing the wall clock and this process's CPU. */
async function timed(measure: string, ops: number, op: (i: number) => Promise<unknown>): Promise<CaseResult> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ops; i += 1) await op(i);
  const wallNs = Number(process.hrtime.bigint() - started);
  const used = process.cpuUsage(cpu);
  return { measure, ops, microsPerOp: wallNs / 1000 / ops, cpuMsPerOp: (used.user + used.system) / 1000 / ops };
}

function verifierOf(issuer: string): AccessTokenVerifier {
  return new AccessTokenVerifier({ issuer, audience: AUDIENCE, tokenType: TOKEN_TYPE });
}

/** Tokens shaped like the issuer's (ES256, at+jwt, the same claims), signed with a key of this process. */
async function localTokens(count: number, issuer: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    tokens.push(
      await new SignJWT({ scope: 'ledger:read ledger:write ledger:operate', client_id: 'ledger-dev', jti: `local-${i}` })
        .setProtectedHeader({ alg: 'ES256', typ: TOKEN_TYPE })
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setSubject('ledger-bench')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    );
  }
  return { publicKey, tokens };
}

async function main(): Promise<void> {
  const opts = options();
  const issuer = testIssuerUrl();
  process.stdout.write(`minting ${opts.tokens + WARM_UP_TOKENS + 1} tokens from ${issuer}...\n`);
  const minted = await distinctBenchTokens(opts.tokens + WARM_UP_TOKENS + 1);
  const [cachedToken, ...rest] = minted as [string, ...string[]];
  const warmUp = rest.slice(0, WARM_UP_TOKENS);
  const fresh = rest.slice(WARM_UP_TOKENS);
  const local = await localTokens(opts.tokens + WARM_UP_TOKENS, issuer);

  const verifier = verifierOf(issuer);
  for (const token of warmUp) await verifier.verify(token);
  const caller = await verifier.verify(cachedToken);
  const lookup = new Map<string, Caller>([[cachedToken, caller]]);
  const lookUp = async (token: string) => lookup.get(token);
  const joseOptions = { issuer, audience: AUDIENCE, typ: TOKEN_TYPE, algorithms: ['ES256'] };
  for (const token of local.tokens.slice(opts.tokens)) await jwtVerify(token, local.publicKey, joseOptions);
  // The JIT warm for the two cheap loops too.
  for (let i = 0; i < 10_000; i += 1) await Promise.all([lookUp(cachedToken), verifier.verify(cachedToken)]);

  process.stdout.write(`timing: ${opts.repeats} cached and ${opts.tokens} first-seen verifications, one at a time...\n`);
  const results = [
    await timed('Map lookup in the same loop (baseline of the cached path)', opts.repeats, () => lookUp(cachedToken)),
    await timed('verify(), token already verified (verified-token cache)', opts.repeats, () => verifier.verify(cachedToken)),
    await timed('verify(), token seen for the first time (signature + claims)', opts.tokens, (i) => verifier.verify(fresh[i] as string)),
    await timed('jose jwtVerify, local ES256 key (signature + claims alone)', opts.tokens, (i) =>
      jwtVerify(local.tokens[i] as string, local.publicKey, joseOptions),
    ),
  ];

  process.stdout.write(
    `\n${formatTable(
      ['measure', 'ops', 'µs/op', 'CPU ms/op'],
      results.map((r) => [r.measure, String(r.ops), r.microsPerOp.toFixed(2), r.cpuMsPerOp.toFixed(4)]),
    )}\n`,
  );
  const cached = results[1] as CaseResult;
  const met = cached.cpuMsPerOp < TARGET_CACHED_MS && cached.microsPerOp / 1000 < TARGET_CACHED_MS;
  process.stdout.write(
    `\ncached verify(): ${(cached.microsPerOp / 1000).toFixed(4)} ms/op wall, ${cached.cpuMsPerOp.toFixed(4)} ms/op CPU; ` +
      `target < ${TARGET_CACHED_MS} ms: ${met ? 'met' : 'NOT met'}. ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ` +
      `node ${process.version}, load average ${loadavg()[0]?.toFixed(2)}\n`,
  );
  mkdirSync(join(RESULTS, '..'), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        benchmark: 'auth-verification',
        machine: {
          date: new Date().toISOString(),
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model ?? 'unknown',
          loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
          node: process.version,
        },
        settings: { tokens: opts.tokens, repeats: opts.repeats, algorithm: 'ES256', issuer: 'tools/oidc-issuer' },
        targets: { cachedVerifyMs: TARGET_CACHED_MS },
        results: results.map((r) => ({
          measure: r.measure,
          ops: r.ops,
          microsPerOp: Number(r.microsPerOp.toFixed(3)),
          cpuMsPerOp: Number(r.cpuMsPerOp.toFixed(5)),
        })),
        cachedTargetMet: met,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`wrote ${RESULTS}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:auth failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
