import type { Caller } from './caller';

export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Tokens already verified, so a client's next request costs a map lookup instead of a signature check.
 * Bounded (least recently used goes first) and never answers for a token past its expiry.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Caller>();

  constructor(private readonly capacity = VERIFIED_TOKEN_CACHE_SIZE) {}

  get(token: string, nowMs: number): Caller | undefined {
    const caller = this.entries.get(token);
    if (caller === undefined) return undefined;
    this.entries.delete(token);
    if (caller.expiresAt.getTime() <= nowMs) return undefined;
    this.entries.set(token, caller);
    return caller;
  }

  remember(token: string, caller: Caller): void {
    if (this.capacity === 0) return;
    this.entries.delete(token);
    this.entries.set(token, caller);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
