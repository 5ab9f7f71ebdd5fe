import { request } from 'undici';
import type { Bearer } from './bench-caller';

/** The command service's answer to an accepted command, as far as the benchmarks read it. */
export interface Accepted {
  readonly accountId: string;
  readonly version: number;
  readonly events: ReadonlyArray<{ readonly eventId: string }>;
}

/**
 * The benchmarks' HTTP client: undici's `request` over kept-alive connections. Node's `fetch` (undici
 * behind a WHATWG layer) costs several times the CPU per request, and a load generator that shares
 * the machine's cores with what it measures must spend as little of them as it can.
 */
export async function postJson(url: string, body: unknown, as: Bearer): Promise<{ status: number; body: Accepted }> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: as.authorization },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, body: (await response.body.json()) as Accepted };
}

/** A GET whose body is read and dropped: only its status matters. */
export async function getStatus(url: string, as: Bearer): Promise<number> {
  const response = await request(url, { headers: { authorization: as.authorization } });
  await response.body.dump();
  return response.statusCode;
}

/** `count` accounts of the caller's, with a balance no withdrawal of a run can exhaust, `concurrency` opens at a time. */
export async function openAccounts(commandUrl: string, count: number, as: Bearer, concurrency = 16): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        const opened = await postJson(
          `${commandUrl}/accounts`,
          { owner: `bench-${n}`, currency: 'EUR', initialDeposit: 1_000_000_000 },
          as,
        );
        if (opened.status !== 201) throw new Error(`opening an account failed with ${opened.status}`);
        ids.push(opened.body.accountId);
      }
    }),
  );
  return ids;
}
