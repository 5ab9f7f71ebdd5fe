/** Round-robin over the accounts, so concurrent operations never share one (the app's 64 connections don't either). */
export function cycle(accounts: readonly string[]): () => string {
  let next = Math.floor(Math.random() * accounts.length);
  return () => accounts[next++ % accounts.length] as string;
}

/**
 * Transfers between disjoint pairs in turn (0→1, 2→3, ...), so concurrent transfers never share an
 * account either (a random start, as `cycle`).
 */
export function pairs(accounts: readonly string[]): () => readonly [string, string] {
  const count = Math.floor(accounts.length / 2);
  if (count === 0) throw new Error('transfers need at least two accounts');
  let next = Math.floor(Math.random() * count);
  return () => {
    const pair = next++ % count;
    return [accounts[2 * pair] as string, accounts[2 * pair + 1] as string];
  };
}

/** The hot account: every transfer from the first account, to each of the others in turn. */
export function hotSource(accounts: readonly string[]): () => readonly [string, string] {
  const [source, ...destinations] = accounts;
  if (source === undefined || destinations.length === 0) throw new Error('transfers need at least two accounts');
  const destination = cycle(destinations);
  return () => [source, destination()];
}

/** Which accounts a transfer contender moves money between. */
export type TransferShape = 'spread' | 'hot';
