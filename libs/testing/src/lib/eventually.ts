import { sleep } from '@ledger/platform';

/** Polls `check` until it holds; fails naming `what` (and `state()`, when given) after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
  what = 'condition',
  state?: () => Promise<unknown> | unknown,
  pollMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      const seen = state === undefined ? '' : `; last seen: ${JSON.stringify(await state())}`;
      throw new Error(`${what} not met within ${timeoutMs} ms${seen}`);
    }
    await sleep(pollMs);
  }
}
